import type { BodyNodeRun, Inputs, Outputs, RunContext } from '../node-api/node';
import type { RuntimeServices } from '../node-api/services';
import { portTypes, valueFits } from '../node-api/ports';
import type { CompiledGraph } from '../graph/validate';
import { isLoopLink, ZONE_RESULT_OUTPUT } from '../zones/body';
import type { NodeRunSummary, RunSummary, RuntimeEvent } from '../events';
import { imageToPngs } from '../png/encode';
import type { ResultCache } from './cache';
import { KeyBook } from './keys';
import { makePlan } from './plan';
import { createZoneRuntime, type ZoneHandle } from '../zones/zone-runtime';
import { yieldToHost } from '../host/yield';
import { nonFiniteIn } from '../values/finite';
import { oneLine, quote } from '../messages';

export interface ExecutorOptions {
  services: RuntimeServices;
  /** Shared across runs: re-running after an edit reuses what did not change. */
  cache: ResultCache;
  signal?: AbortSignal;
  emit?: (event: RuntimeEvent) => void;
  runId?: number;
}

/** A node's failure, already worded with the node's id and type. */
export class NodeFailure extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeFailure';
  }
}

const now = () => performance.now();
/** Milliseconds since `start`, to 0.01 ms (more digits are noise in summaries). */
const since = (start: number) => Math.round((performance.now() - start) * 100) / 100;
const abortError = () => new DOMException('run cancelled', 'AbortError');

/**
 * Runs one plan of a compiled graph: nodes one at a time in plan order, results reused by
 * Merkle key, a failed node skipping only what depends on it. Zone owners get `ctx.zone`,
 * which calls back into `runSubgraph` once per iteration.
 */
export class GraphExecutor {
  private readonly results = new Map<string, Outputs>();
  private readonly keys: KeyBook;
  private readonly signal: AbortSignal;
  private readonly emitEvent: (event: RuntimeEvent) => void;
  /** Zones running now, by owner id: stopZone reaches them here. */
  private readonly zones = new Map<string, ZoneHandle>();

  constructor(
    readonly graph: CompiledGraph,
    private readonly options: ExecutorOptions,
  ) {
    this.keys = new KeyBook(graph, `run-${Math.random().toString(36).slice(2)}-${now()}`);
    this.signal = options.signal ?? new AbortController().signal;
    this.emitEvent = options.emit ?? (() => {});
  }

  /** Outputs a node produced (or reused) in this run. */
  output(nodeId: string): Outputs | undefined {
    return this.results.get(nodeId);
  }

  /**
   * "Stop and use best": ends a running zone's loop; it hands on its best result and the run
   * goes on downstream. False when that zone is not running (finished, queued, or not a zone).
   */
  stopZone(nodeId: string): boolean {
    const zone = this.zones.get(nodeId);
    if (!zone || zone.stopped()) return false;
    zone.stop();
    return true;
  }

  async run(targets?: readonly string[]): Promise<RunSummary> {
    const plan = makePlan(this.graph, targets);
    const runId = this.options.runId ?? 0;
    const nodes: Record<string, NodeRunSummary> = {};
    const failed = new Set<string>();
    this.emitEvent({ type: 'run-start', runId, nodes: [...plan.needed] });
    for (const unit of plan.order) {
      await yieldToHost();
      const members = [unit, ...(this.graph.zones.get(unit)?.nodes ?? [])];
      const mark = (s: NodeRunSummary) => members.forEach((m) => (nodes[m] = { ...s }));
      if (this.signal.aborted) {
        mark({ status: 'cancelled', ms: 0, cached: false });
        continue;
      }
      const blocker = plan.deps.get(unit)!.find((d) => failed.has(d));
      if (blocker) {
        failed.add(unit);
        mark({ status: 'skipped', ms: 0, cached: false, error: `not run: "${blocker}" did not finish` });
        continue;
      }
      const key = this.keys.keyUnit(unit);
      if (!key.volatile && this.reuse(members)) {
        for (const m of members) {
          const scores = scoresOf(this.results.get(m)!);
          nodes[m] = { status: 'cached', ms: 0, cached: true, ...(scores ? { scores } : {}) };
          this.emitEvent({ type: 'node-done', nodeId: m, cached: true, ms: 0, ...(scores ? { scores } : {}) });
        }
        continue;
      }
      const started = now();
      this.emitEvent({ type: 'node-start', nodeId: unit });
      try {
        const { lastBody, stopped } = await this.execute(unit);
        const ms = since(started);
        // A stopped zone's result is not what its key promises, nor is anything made from it.
        if (stopped) this.keys.markVolatile(unit);
        for (const m of members) {
          const outputs = m === unit ? this.results.get(m)! : lastBody?.get(m)?.outputs;
          if (!outputs) continue;
          this.results.set(m, outputs);
          // A cancelled zone hands on its best-so-far result, but it is not what its key promises.
          if (!key.volatile && !stopped && !this.signal.aborted) this.options.cache.set(this.keys.get(m)!.key, outputs);
        }
        for (const m of members) {
          const scores = this.results.has(m) ? scoresOf(this.results.get(m)!) : undefined;
          const time = m === unit ? ms : 0;
          const extra = { ...(scores ? { scores } : {}), ...(stopped && m === unit ? { stopped: true as const } : {}) };
          nodes[m] = { status: 'ok', ms: time, cached: false, ...extra };
          this.emitEvent({ type: 'node-done', nodeId: m, cached: false, ms: time, ...extra });
        }
      } catch (error) {
        failed.add(unit);
        const ms = since(started);
        if (this.signal.aborted) {
          mark({ status: 'cancelled', ms, cached: false });
          continue;
        }
        const message = describeFailure(this.graph, unit, error);
        mark({ status: 'skipped', ms: 0, cached: false, error: `not run: "${unit}" did not finish` });
        nodes[unit] = { status: 'error', ms, cached: false, error: message };
        if (error instanceof NodeFailure && error.nodeId !== unit) {
          nodes[error.nodeId] = { status: 'error', ms: 0, cached: false, error: message };
          this.emitEvent({ type: 'node-error', nodeId: error.nodeId, message });
        }
        this.emitEvent({ type: 'node-error', nodeId: unit, message });
      }
    }
    const status = this.signal.aborted ? 'cancelled' : failed.size > 0 ? 'error' : 'ok';
    this.emitEvent({ type: 'run-end', runId, status });
    return { status, nodes };
  }

  /**
   * The seam for zones: runs `nodeIds` in the given order, taking the outputs of the nodes in
   * `overrides` as given (a zone's `current`/`step`) and everything else from this run's
   * results. Nothing is cached. Returns every node's inputs, outputs and context, so a
   * backward pass can call each node's `vjp` in reverse order.
   */
  async runSubgraph(
    nodeIds: readonly string[],
    overrides: ReadonlyMap<string, Outputs>,
    options: { step?: number; signal?: AbortSignal } = {},
  ): Promise<Map<string, BodyNodeRun>> {
    const { step } = options;
    const signal = options.signal ? AbortSignal.any([this.signal, options.signal]) : this.signal;
    const runs = new Map<string, BodyNodeRun>();
    const valueOf = (id: string) => overrides.get(id) ?? runs.get(id)?.outputs ?? this.results.get(id);
    for (const nodeId of nodeIds) {
      await yieldToHost();
      if (signal.aborted) throw abortError();
      const def = this.graph.defs.get(nodeId)!;
      const params = this.graph.params.get(nodeId)!;
      const ctx = this.context(nodeId, step, signal);
      try {
        const { inputs, sources } = this.gather(nodeId, valueOf);
        const outputs = await def.run(ctx, inputs, params as Parameters<typeof def.run>[2]);
        checkOutputs(this.graph, nodeId, outputs);
        runs.set(nodeId, { nodeId, def, params, inputs, outputs, sources, ctx });
      } catch (error) {
        // aborted (run cancelled or zone stopped): the zone owner decides what that means
        if (signal.aborted || error instanceof NodeFailure) throw error;
        throw new NodeFailure(nodeId, describeFailure(this.graph, nodeId, error));
      }
    }
    return runs;
  }

  /** Runs one unit; for a zone, returns its body's last iteration and whether a person stopped it. */
  private async execute(unit: string): Promise<{ lastBody?: ReadonlyMap<string, BodyNodeRun>; stopped: boolean }> {
    const def = this.graph.defs.get(unit)!;
    const ctx = this.context(unit);
    let zone: ZoneHandle | undefined;
    if (def.zone) {
      zone = createZoneRuntime(this, unit, this.emitEvent);
      ctx.zone = zone.runtime;
      this.zones.set(unit, zone);
    }
    try {
      const { inputs } = this.gather(unit, (id) => this.results.get(id));
      const produced = await def.run(ctx, inputs, this.graph.params.get(unit)! as Parameters<typeof def.run>[2]);
      checkOutputs(this.graph, unit, produced);
      // A zone's loop outputs, read from outside its body, hold their last iteration's values.
      const outputs = zone ? { ...zone.lastLoop(), ...produced } : produced;
      this.results.set(unit, outputs);
      return { lastBody: zone?.lastRun()?.nodes, stopped: !!zone?.stopped() };
    } finally {
      this.zones.delete(unit);
    }
  }

  /** Takes every member's result from the cache, or none (a zone is reused only whole). */
  private reuse(members: readonly string[]): boolean {
    const found = members.map((m) => this.options.cache.get(this.keys.get(m)!.key));
    if (found.some((o) => o === undefined)) return false;
    members.forEach((m, i) => this.results.set(m, found[i]!));
    return true;
  }

  private gather(nodeId: string, valueOf: (id: string) => Outputs | undefined) {
    const inputs: Inputs = {};
    const sources: BodyNodeRun['sources'] = {};
    const defOf = (id: string) => this.graph.defs.get(id);
    for (const link of this.graph.index.incoming.get(nodeId)!.values()) {
      if (isLoopLink(link, defOf)) continue;
      const value = valueOf(link.fromNode)?.[link.fromPort];
      if (value === undefined) throw new Error(`input "${link.toPort}": ${link.fromNode}.${link.fromPort} has no value`);
      inputs[link.toPort] = value;
      sources[link.toPort] = { nodeId: link.fromNode, port: link.fromPort };
    }
    return { inputs, sources };
  }

  private context(nodeId: string, step?: number, signal = this.signal): RunContext {
    const emit = this.emitEvent;
    return {
      nodeId,
      signal,
      services: this.options.services,
      ...(step !== undefined ? { step } : {}),
      progress: (value, max, message) => emit({ type: 'node-progress', nodeId, value, max, ...(message ? { message } : {}) }),
      preview: (images) => emit({ type: 'node-preview', nodeId, images: imageToPngs(images) }),
    };
  }
}

/** `node "gen" (Generate): <what went wrong>`: one line, no stack. */
export function describeFailure(graph: CompiledGraph, nodeId: string, error: unknown): string {
  if (error instanceof NodeFailure) return error.message;
  const what = error instanceof Error ? error.message : String(error);
  // first line only (no stacks, no multi-line library dumps), escaped: it may echo file contents
  return oneLine(`node ${quote(nodeId)} (${graph.defs.get(nodeId)?.type ?? '?'}): ${what.split('\n')[0]}`);
}

/**
 * Every declared output must be there with an accepted type; a zone owner owes only `result`.
 * Values must be finite: a NaN (t = 1e308 in a Slerp, a damaged file) would flow on and come
 * out as a black image with exit 0, so the node that made it fails instead.
 */
function checkOutputs(graph: CompiledGraph, nodeId: string, outputs: Outputs): void {
  const def = graph.defs.get(nodeId)!;
  for (const [port, spec] of Object.entries(def.outputs)) {
    if (def.zone && port !== ZONE_RESULT_OUTPUT) continue;
    const value = outputs?.[port];
    if (!value) throw new Error(`produced no "${port}" output`);
    if (!valueFits(spec, value)) throw new Error(`output "${port}" should be ${portTypes(spec).join(' or ')}, got ${value.kind}`);
    const bad = nonFiniteIn(value);
    if (bad) throw new Error(`output "${port}" holds ${bad}: its values are not finite numbers`);
  }
}

function scoresOf(outputs: Outputs): number[] | undefined {
  for (const value of Object.values(outputs)) if (value.kind === 'Score') return Array.from(value.values);
  return undefined;
}
