// The GPU check's options (bench/gpu-check/main.ts parses them, check.ts runs them).
import { parseArgs } from 'node:util';

export type BackendId = 'webgpu' | 'native-webgpu' | 'cuda' | 'cpu' | 'wasm';
const BACKENDS: readonly BackendId[] = ['webgpu', 'native-webgpu', 'cuda', 'cpu', 'wasm'];

export interface CheckOptions {
  /** Image size of the UNet and VAE stages, pixels (square). */
  size: number;
  /** Image size of the gradient stage; undefined: `size`, or smaller if it would not fit the budget. */
  gradSize?: number;
  /** Denoising steps of the GradientStep body's Generate (PNDM runs one UNet evaluation more). */
  steps: number;
  /** Timed repetitions of the UNet step and the VAE decode (after one untimed warm-up run). */
  reps: number;
  /** The whole check, from start to the last figure, seconds. */
  budgetS: number;
  backend: 'auto' | BackendId;
  skeleton: string;
  /** Where the materialized model goes (reused when it is already there). */
  work: string;
  seed: number;
  startedAt: number;
}

/** What the Dawn probe found: the adapter's description, or why there is none. */
export interface DawnProbe {
  adapter?: string;
  why: string;
}

const DEFAULT_SKELETON = new URL('../../models/reference/sd15-full-skeleton', import.meta.url).pathname;

export function parse(argv: string[]): CheckOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '512' },
      'grad-size': { type: 'string' },
      steps: { type: 'string', default: '4' },
      reps: { type: 'string', default: '3' },
      budget: { type: 'string', default: '450' },
      backend: { type: 'string', default: 'auto' },
      skeleton: { type: 'string', default: DEFAULT_SKELETON },
      work: { type: 'string', default: process.env.GPU_CHECK_WORK ?? '/tmp/gpu-check' },
      seed: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'usage: bench/gpu-check.sh [--size PX] [--grad-size PX] [--steps N] [--reps N] [--budget S]\n' +
        `                          [--backend auto|${BACKENDS.join('|')}] [--work DIR] [--skeleton DIR] [--seed N]`,
    );
    process.exit(0);
  }
  const int = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${value}: expected an integer >= ${min}`);
    return n;
  };
  const size = int('size', values.size, 64);
  const gradSize = values['grad-size'] === undefined ? undefined : int('grad-size', values['grad-size'], 64);
  for (const [name, px] of [['size', size], ['grad-size', gradSize]] as const) {
    if (px !== undefined && px % 64 !== 0) throw new Error(`--${name} ${px}: expected a multiple of 64 (the UNet halves 8x-downsampled latents three times)`);
  }
  const backend = values.backend as CheckOptions['backend'];
  if (backend !== 'auto' && !BACKENDS.includes(backend)) throw new Error(`--backend ${backend}: expected auto or one of ${BACKENDS.join(', ')}`);
  return {
    size,
    gradSize,
    steps: int('steps', values.steps, 1),
    reps: int('reps', values.reps, 1),
    budgetS: int('budget', values.budget, 30),
    backend,
    skeleton: values.skeleton!,
    work: values.work!,
    seed: int('seed', values.seed, 0),
    startedAt: performance.now(),
  };
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
