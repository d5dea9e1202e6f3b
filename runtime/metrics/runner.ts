import { buildVjpModel } from '../autodiff/index';
import { configureOrt } from '../ort/env';
import { Session } from '../ort/session';
import type { Tensor } from '../values/types';
import { SCORE, type MeasureGraph } from './common';

/**
 * Runs measure graphs and their gradient models. Measures are tiny next to the diffusion
 * model, so they run on wasm; sessions are built once per measure and input size and kept
 * for the life of the runtime.
 */
interface Compiled {
  graph: MeasureGraph;
  forward: Promise<Session>;
  backward?: Promise<Session>;
}

const compiled = new Map<string, Compiled>();
const backend = { name: 'wasm' as const };

function get(key: string, build: () => MeasureGraph): Compiled {
  let c = compiled.get(key);
  if (!c) {
    configureOrt();
    const graph = build();
    c = { graph, forward: Session.create(`measure ${key}`, graph.bytes, { backend }) };
    compiled.set(key, c);
  }
  return c;
}

function backwardOf(key: string, c: Compiled): Promise<Session> {
  c.backward ??= (async () => {
    const vjp = buildVjpModel(c.graph.bytes, { wrt: c.graph.inputs, of: SCORE, includeOutput: false });
    return Session.create(`measure ${key} (vjp)`, vjp.model, { backend, externalData: vjp.externalData });
  })();
  return c.backward;
}

export type Feeds = Record<string, Tensor>;

/** The score of each batch item. */
export async function measure(key: string, build: () => MeasureGraph, feeds: Feeds): Promise<Float32Array> {
  const session = await get(key, build).forward;
  return (await session.run(feeds, [SCORE]))[SCORE].data;
}

/** d(loss)/d(each input) given d(loss)/d(score). */
export async function measureVjp(key: string, build: () => MeasureGraph, feeds: Feeds, gradScore: Tensor): Promise<Feeds> {
  const c = get(key, build);
  const session = await backwardOf(key, c);
  const fetches = c.graph.inputs.map((i) => `grad_${i}`);
  const out = await session.run({ ...feeds, [`grad_${SCORE}`]: gradScore }, fetches);
  return Object.fromEntries(c.graph.inputs.map((i) => [i, out[`grad_${i}`]]));
}
