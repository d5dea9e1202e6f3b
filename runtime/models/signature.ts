import type { Session, TensorInfo } from '../ort/session';

/**
 * What each model of the pipeline must look like: tensor names (as optimum exports them),
 * ranks and dtype families. Checked right after the session loads, so a wrong model fails
 * with the file and tensor named instead of deep inside a denoising step.
 */
export interface TensorExpectation {
  name: string;
  ranks: readonly number[];
  layout: string;
  dtypes: readonly string[];
}

const FLOAT = ['float32', 'float16'];
const TIMESTEP = ['int64', 'int32', 'float32', 'float16', 'float64'];
const IDS = ['int32', 'int64'];

export const SIGNATURES = {
  textEncoder: {
    inputs: [{ name: 'input_ids', ranks: [2], layout: '[batch, tokens]', dtypes: IDS }],
    outputs: [{ name: 'last_hidden_state', ranks: [3], layout: '[batch, tokens, dim]', dtypes: FLOAT }],
  },
  unet: {
    inputs: [
      { name: 'sample', ranks: [4], layout: '[batch, channels, height, width]', dtypes: FLOAT },
      { name: 'timestep', ranks: [0, 1], layout: '[] or [1]', dtypes: TIMESTEP },
      { name: 'encoder_hidden_states', ranks: [3], layout: '[batch, tokens, dim]', dtypes: FLOAT },
    ],
    outputs: [{ name: 'out_sample', ranks: [4], layout: '[batch, channels, height, width]', dtypes: FLOAT }],
  },
  vaeDecoder: {
    inputs: [{ name: 'latent_sample', ranks: [4], layout: '[batch, channels, height, width]', dtypes: FLOAT }],
    outputs: [{ name: 'sample', ranks: [4], layout: '[batch, 3, height, width]', dtypes: FLOAT }],
  },
} satisfies Record<string, { inputs: TensorExpectation[]; outputs: TensorExpectation[] }>;

/**
 * `unranked`: tensors the file declares without a shape (runtime/onnx unrankedValues). The
 * session reports them as scalars; fed by guess, they would fail inside some op, unnamed.
 */
export function checkSignature(
  session: Session,
  expected: { inputs: readonly TensorExpectation[]; outputs: readonly TensorExpectation[] },
  unranked: ReadonlySet<string> = new Set(),
): void {
  check(session.inputs, expected.inputs, 'input', session.file, unranked);
  check(session.outputs, expected.outputs, 'output', session.file, unranked);
}

function check(actual: TensorInfo[], expected: readonly TensorExpectation[], role: string, where: string, unranked: ReadonlySet<string>): void {
  for (const want of expected) {
    const got = actual.find((t) => t.name === want.name);
    if (!got) {
      const names = actual.map((t) => t.name).join(', ') || 'none';
      throw new Error(`${where}: no ${role} named "${want.name}" ${want.layout} (its ${role}s: ${names})`);
    }
    if (unranked.has(want.name)) {
      throw new Error(`${where}: ${role} "${want.name}" declares no shape, so its rank is unknown; expected rank ${want.ranks.join(' or ')} ${want.layout}`);
    }
    if (!want.ranks.includes(got.shape.length)) {
      throw new Error(
        `${where}: ${role} "${want.name}" has rank ${got.shape.length} [${got.shape.join(', ')}], ` +
          `expected rank ${want.ranks.join(' or ')} ${want.layout}`,
      );
    }
    if (!want.dtypes.includes(got.dtype)) {
      throw new Error(`${where}: ${role} "${want.name}" is ${got.dtype}, expected ${want.dtypes.join(' | ')}`);
    }
  }
}
