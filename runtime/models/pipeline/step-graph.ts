import { GraphBuilder } from '../../onnx';

/**
 * One denoising step as an ONNX graph, so latents can stay on the GPU between UNet calls:
 *   eps    = u + g*(c - u)            (out = [u rows; c rows]) or out itself when unguided
 *   x_next = a*x + b0*eps + b1*h1 + … (the scheduler's affine step, h = earlier eps, newest first)
 *   unet_in = x_next*s                (doubled to [2N] rows when guided: the next UNet input)
 * Coefficients come in as [1] tensors per run, so one session serves every step.
 */
export interface StepGraphKind {
  guided: boolean;
  /** Earlier model outputs the scheduler reads (its historyLength - 1). */
  history: number;
}

export function stepInputNames(kind: StepGraphKind): { history: string[]; weights: string[] } {
  return {
    history: Array.from({ length: kind.history }, (_, j) => `h${j + 1}`),
    weights: Array.from({ length: kind.history + 1 }, (_, j) => `b${j}`),
  };
}

export function buildStepGraph(kind: StepGraphKind): Uint8Array {
  const g = new GraphBuilder({ name: 'denoising_step' });
  const latent = ['n', 'c', 'h', 'w'];
  const x = g.input('x', 'float32', latent);
  const out = g.input('out', 'float32', [kind.guided ? 'r' : 'n', 'c', 'h', 'w']);
  const names = stepInputNames(kind);
  const hist = names.history.map((name) => g.input(name, 'float32', latent));
  const [a, gs, s] = ['a', 'g', 's'].map((name) => g.input(name, 'float32', [1]));
  const b = names.weights.map((name) => g.input(name, 'float32', [1]));

  let eps: string;
  if (kind.guided) {
    // rows [0, n) and [n, 2n) of out; Slice, not Split: WebGPU's Split without sizes gave empty halves
    const n = g.op('Shape', [x], { start: 0, end: 1 });
    const axis = g.constant(new BigInt64Array([0n]), [1]);
    const u = g.op('Slice', [out, g.constant(new BigInt64Array([0n]), [1]), n, axis]);
    const c = g.op('Slice', [out, n, g.op('Add', [n, n]), axis]);
    eps = g.op('Add', [u, g.op('Mul', [gs, g.op('Sub', [c, u])])], undefined, 'eps');
  } else {
    eps = g.op('Identity', [out], undefined, 'eps'); // g stays an (unused) input: one feed list for both kinds
  }
  let next = g.op('Add', [g.op('Mul', [a, x]), g.op('Mul', [b[0], eps])]);
  hist.forEach((h, j) => (next = g.op('Add', [next, g.op('Mul', [b[j + 1], h])])));
  const xNext = g.op('Identity', [next], undefined, 'x_next');
  const scaled = g.op('Mul', [xNext, s]);
  const unetIn = kind.guided ? g.op('Concat', [scaled, scaled], { axis: 0 }, 'unet_in') : g.op('Identity', [scaled], undefined, 'unet_in');
  g.output(eps, 'float32', latent);
  g.output(xNext, 'float32', latent);
  g.output(unetIn, 'float32', [kind.guided ? 'r' : 'n', 'c', 'h', 'w']);
  return g.toBytes();
}
