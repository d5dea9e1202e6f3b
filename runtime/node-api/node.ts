import type { ParamSpecs, ParamValues } from './params';
import type { ImageValue, Tensor, Value } from '../values/types';
import type { PortSpec } from './ports';
import type { RuntimeServices } from './services';


export type Inputs = Record<string, Value | undefined>;
export type Outputs = Record<string, Value>;

/**
 * What the runtime hands a node while it runs. Hosts (worker, Node CLI, tests) provide
 * `services`; nodes never reach for globals such as `fetch` or `fs` directly.
 */
export interface RunContext {
  nodeId: string;
  signal: AbortSignal;
  /** Report progress of this node's own work (denoising steps, iterations), with an optional status line. */
  progress(value: number, max: number, message?: string): void;
  /** Show images in the editor / write them in the CLI while the node runs. */
  preview(images: ImageValue): void;
  /** The enclosing zone's iteration, when the node runs inside a zone body. */
  step?: number;
  services: RuntimeServices;
  /**
   * Set by a gradient zone owner (GradientStep) on the context it hands a body node's `vjp`:
   * the memory budget of gradient models (bytes, or 'auto': what the backend holds) and where
   * to say what they plan.
   */
  gradient?: { memoryBudget?: number | 'auto'; status?(message: string): void };
  /** Given only to zone owners (`zone` set on their definition): their loop body, to run per iteration. */
  zone?: ZoneRuntime;
}

/**
 * The scheduler's seam for zone owners (GradientStep, Pick; docs/design.md#zones). Nodes outside
 * the body ran once before the zone and stay cached; the body runs again per iteration.
 */
export interface ZoneRuntime {
  /** Body node ids in the order they run. */
  readonly body: readonly string[];
  /** Body nodes on a path from `current` to a loop input: where gradients flow back. */
  readonly gradientPath: ReadonlySet<string>;
  /** Runs the body once with these loop outputs; returns every body node's inputs and outputs (for `vjp`). */
  runBody(loop: { current: Value; step: number }): Promise<BodyRun>;
  /** Reports a finished iteration: emits `zone-iteration` (live plots, CLI `<id>.history.json`). */
  iteration(step: number, objective: number, goal?: 'minimize' | 'maximize'): void;
  /**
   * Aborted when a person asks this zone to stop and hand on what it has ("Stop and use best",
   * RuntimeApi.stopZone). Unlike a cancel, the run goes on: the zone ends its loop and returns
   * its best result, which flows downstream. Body nodes see it in their `signal`, so a long
   * iteration ends mid-way.
   */
  readonly stop: AbortSignal;
}

/** One body node's run inside one iteration. */
export interface BodyNodeRun {
  nodeId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: NodeDef<any>;
  params: Record<string, unknown>;
  inputs: Inputs;
  outputs: Outputs;
  /** Where each connected input came from: gradients flow back along these. */
  sources: Record<string, { nodeId: string; port: string }>;
  /** The context it ran with; pass it to its `vjp`. */
  ctx: RunContext;
}

export interface BodyRun {
  step: number;
  /** Body nodes in run order. */
  nodes: ReadonlyMap<string, BodyNodeRun>;
  /** The values reaching the zone's loop inputs (loss, candidates, images, score), by port. */
  loopInputs: Inputs;
  /** Where each loop input came from. */
  loopSources: Record<string, { nodeId: string; port: string }>;
}

/** Gradients w.r.t. outputs in, gradients w.r.t. inputs out (only for float tensor ports). */
export type Gradients = Record<string, Tensor | undefined>;

export interface NodeDef<P extends ParamSpecs = ParamSpecs> {
  type: string;
  /** Bump when `run` changes meaning: cached results of older versions are not reused. */
  version: number;
  category: 'Model' | 'Embedding' | 'Image' | 'Seeds' | 'Measure' | 'Zone' | 'Output' | 'Utility';
  doc: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: P;
  /** Zone owners loop over their body (docs/design.md#zones); the scheduler drives them. */
  zone?: 'gradient' | 'pick';
  /** False for nodes whose output changes between runs with the same inputs. */
  deterministic?: boolean;
  run(ctx: RunContext, inputs: Inputs, params: ParamValues<P>): Promise<Outputs>;
  /**
   * Vector-Jacobian product: given the forward inputs/outputs and d(loss)/d(outputs), return
   * d(loss)/d(inputs). Present only on differentiable nodes.
   */
  vjp?(
    ctx: RunContext,
    inputs: Inputs,
    params: ParamValues<P>,
    outputs: Outputs,
    gradOutputs: Gradients,
  ): Promise<Gradients>;
}

/** Identity helper that keeps the param types of a node definition inferred. */
export function defineNode<P extends ParamSpecs>(def: NodeDef<P>): NodeDef<P> {
  return def;
}
