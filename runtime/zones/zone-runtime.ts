import type { BodyNodeRun, BodyRun, Outputs, ZoneRuntime } from '../node-api/node';
import type { RuntimeEvent } from '../events';
import type { CompiledGraph } from '../graph/validate';

/** What a zone needs of the executor that drives it: the graph, and a way to run some of its nodes. */
export interface SubgraphRunner {
  readonly graph: CompiledGraph;
  /** `signal` also ends the subgraph (a zone's stop); the run's own signal always does. */
  runSubgraph(
    nodeIds: readonly string[],
    overrides: ReadonlyMap<string, Outputs>,
    options?: { step?: number; signal?: AbortSignal },
  ): Promise<Map<string, BodyNodeRun>>;
}

export interface ZoneHandle {
  runtime: ZoneRuntime;
  /** The last iteration's body run: its outputs become the body nodes' results after the zone. */
  lastRun(): BodyRun | undefined;
  /** The loop outputs (`current`, `step`) of the last iteration, for nodes outside that read them. */
  lastLoop(): Outputs | undefined;
  /** Asks the zone to end its loop and hand on its best result (RuntimeApi.stopZone). */
  stop(): void;
  /** True once stop() was called: the zone's result is not what its cache key promises. */
  stopped(): boolean;
}

/** Builds `ctx.zone` for a zone owner: its body, run on demand with a new `current` each time. */
export function createZoneRuntime(
  executor: SubgraphRunner,
  zoneId: string,
  emit: (event: RuntimeEvent) => void,
): ZoneHandle {
  const graph = executor.graph;
  const body = graph.zones.get(zoneId)!;
  const def = graph.defs.get(zoneId)!;
  const stopper = new AbortController();
  let last: BodyRun | undefined;
  let lastLoop: Outputs | undefined;
  const runtime: ZoneRuntime = {
    body: body.nodes,
    gradientPath: body.onGradientPath,
    stop: stopper.signal,
    async runBody({ current, step }) {
      const loop: Outputs = { current };
      if ('step' in def.outputs) loop.step = { kind: 'Number', values: [step] };
      const nodes = await executor.runSubgraph(body.nodes, new Map([[zoneId, loop]]), { step, signal: stopper.signal });
      const run: BodyRun = { step, nodes, loopInputs: {}, loopSources: {} };
      for (const link of body.loopLinks) {
        run.loopInputs[link.toPort] = nodes.get(link.fromNode)?.outputs[link.fromPort];
        run.loopSources[link.toPort] = { nodeId: link.fromNode, port: link.fromPort };
      }
      last = run;
      lastLoop = loop;
      return run;
    },
    iteration(step, objective, goal) {
      emit({ type: 'zone-iteration', nodeId: zoneId, step, objective, ...(goal ? { goal } : {}) });
    },
  };
  return {
    runtime,
    lastRun: () => last,
    lastLoop: () => lastLoop,
    stop: () => stopper.abort(new DOMException('zone stopped', 'AbortError')),
    stopped: () => stopper.signal.aborted,
  };
}
