import { buildVjpModel } from '../autodiff/index';
import type { HostIO } from '../host/io';
import { configureOrt, type BackendName } from '../ort/env';
import { Session } from '../ort/session';
import type { Tensor } from '../values/types';
import { AestheticPredictor } from './aesthetic/predictor';
import { SCORE, type MeasureGraph } from './common';

/** A measure graph with its forward session and, once asked for, its gradient session. */
interface Compiled {
  graph: MeasureGraph;
  forward: Promise<Session>;
  backward?: Promise<Session>;
}

export type Feeds = Record<string, Tensor>;

// Measures are tiny next to the diffusion model: wasm everywhere, no GPU transfers.
const backend = { name: 'wasm' as const };

/**
 * Runs measure graphs (sharpness, colorfulness, Compare's distances) and their gradient models,
 * and holds the aesthetic predictors a graph loaded. Sessions are built once per measure and
 * input size and kept until `dispose()`; hosts give one to nodes as `services.metrics`.
 */
export class MetricService {
  private readonly compiled = new Map<string, Compiled>();
  private readonly predictors = new Map<string, Promise<AestheticPredictor>>();

  /**
   * `predictorBackend`: where aesthetic predictors run (CLIP ViT-L/14 is as big as the
   * diffusion model, so a Node host gives it the models' backend); measures stay on wasm.
   */
  constructor(private readonly options: { predictorBackend?: BackendName } = {}) {}

  /** The score of each batch item. `key` names the graph `build` makes (measure and input size). */
  async measure(key: string, build: () => MeasureGraph, feeds: Feeds): Promise<Float32Array> {
    const session = await this.get(key, build).forward;
    return (await session.run(feeds, [SCORE]))[SCORE].data;
  }

  /** d(loss)/d(each input) given d(loss)/d(score). */
  async measureVjp(key: string, build: () => MeasureGraph, feeds: Feeds, gradScore: Tensor): Promise<Feeds> {
    const c = this.get(key, build);
    const session = await this.backwardOf(key, c);
    const fetches = c.graph.inputs.map((i) => `grad_${i}`);
    const out = await session.run({ ...feeds, [`grad_${SCORE}`]: gradScore }, fetches);
    return Object.fromEntries(c.graph.inputs.map((i) => [i, out[`grad_${i}`]]));
  }

  /** Loads a predictor folder once; a failed load is retried next time. */
  aesthetic(io: Pick<HostIO, 'readBytes'>, folder: string): Promise<AestheticPredictor> {
    let p = this.predictors.get(folder);
    if (!p) {
      p = AestheticPredictor.load(io, folder, this.options.predictorBackend);
      this.predictors.set(folder, p);
      p.catch(() => this.predictors.get(folder) === p && this.predictors.delete(folder));
    }
    return p;
  }

  /** Releases every session this service built; it can be used again afterwards (it rebuilds). */
  async dispose(): Promise<void> {
    const compiled = [...this.compiled.values()];
    const predictors = [...this.predictors.values()];
    this.compiled.clear();
    this.predictors.clear();
    const sessions = compiled.flatMap((c) => (c.backward ? [c.forward, c.backward] : [c.forward]));
    await Promise.all([
      ...sessions.map((s) => s.then((x) => x.dispose(), () => undefined)),
      ...predictors.map((p) => p.then((x) => x.dispose(), () => undefined)),
    ]);
  }

  private get(key: string, build: () => MeasureGraph): Compiled {
    let c = this.compiled.get(key);
    if (!c) {
      configureOrt();
      const graph = build();
      c = { graph, forward: Session.create(`measure ${key}`, graph.bytes, { backend }) };
      this.compiled.set(key, c);
    }
    return c;
  }

  private backwardOf(key: string, c: Compiled): Promise<Session> {
    c.backward ??= (async () => {
      const vjp = buildVjpModel(c.graph.bytes, { wrt: c.graph.inputs, of: SCORE, includeOutput: false });
      return Session.create(`measure ${key} (vjp)`, vjp.model, { backend, externalData: vjp.externalData });
    })();
    return c.backward;
  }
}
