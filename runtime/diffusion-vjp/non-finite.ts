// No silent NaN or infinity in a gradient: when a gradient model's output is not finite, the
// same inputs run once more through the model with every float intermediate exposed
// (runtime/autodiff/expose.ts), and the error names the first node, in run order, whose
// output is not finite while its inputs are (in an fp16 model: where the overflow happened).
import { exposeValues } from '../autodiff/expose';
import { Session, type ExternalFile, type HostTensor } from '../ort/session';
import type { Backend } from '../ort/backend';

export interface GradientModelSource {
  label: string;
  backend: Backend;
  model: Uint8Array;
  /** read again only when needed: the weights are not held for a run that may never fail */
  externalData(): Promise<ExternalFile[]>;
  /** the gradient model's float inputs are float16 */
  fp16: boolean;
}

const badness = (data: ArrayLike<number>): string | undefined => {
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
  }
  if (!nan && !inf) return undefined;
  return [inf ? `${inf} infinite` : '', nan ? `${nan} NaN` : ''].filter(Boolean).join(' and ') + ` of ${data.length} values`;
};

/** Whether every value is finite; else a short description ("3 infinite of 4096 values"). */
export const nonFinite = badness;

/**
 * The error for a non-finite `output` of `source` at `feeds`: names the ONNX node and tensor
 * where values first stopped being finite.
 */
export async function explainNonFinite(source: GradientModelSource, feeds: Record<string, HostTensor>, output: string, what: string): Promise<Error> {
  const head = `${source.label}: gradient output "${output}" is not finite (${what})`;
  let exposed: ReturnType<typeof exposeValues>;
  let session: Session | undefined;
  try {
    exposed = exposeValues(source.model);
    session = await Session.create(`${source.label} (diagnosis)`, exposed.model, { backend: source.backend, externalData: await source.externalData() });
    const out = await session.run(feeds, exposed.values.map((v) => v.tensor));
    const first = exposed.values.find((v) => out[v.tensor] && badness(out[v.tensor].data));
    if (!first) return new Error(`${head}; every intermediate is finite, so it arose in the output's conversion`);
    const cause = source.fp16 ? 'float16 overflow (beyond ±65504) or an invalid operation' : 'an overflow or an invalid operation';
    return new Error(`${head}: it starts at node "${first.node}" (${first.op}), tensor "${first.tensor}" (${badness(out[first.tensor].data)}): ${cause}`);
  } catch (error) {
    return new Error(`${head}; naming the node failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await session?.dispose();
  }
}
