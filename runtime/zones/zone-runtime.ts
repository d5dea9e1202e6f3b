import type { BodyNodeRun, BodyRun, Outputs, ZoneRuntime } from '../node-api/node';
import type { RuntimeEvent } from '../events';
import type { CompiledGraph } from '../graph/validate';

/** What a zone needs of the executor that drives it: the graph, and a way to run some of its nodes. */
export interface SubgraphRunner {
  readonly graph: CompiledGraph;
  runSubgraph(nodeIds: readonly string[], overrides: ReadonlyMap<string, Outputs>, step?: number): Promise<Map<string, BodyNodeRun>>;
}

export interface ZoneHandle {
  runtime: ZoneRuntime;
  /** The last iteration's body run: its outputs become the body nodes' results after the zone. */
  lastRun(): BodyRun | undefined;
  /** The loop outputs (`current`, `step`) of the last iteration, for nodes outside that read them. */
  lastLoop(): Outputs | undefined;
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
  let last: BodyRun | undefined;
  let lastLoop: Outputs | undefined;
  const runtime: ZoneRuntime = {
    body: body.nodes,
    gradientPath: body.onGradientPath,
    async runBody({ current, step }) {
      const loop: Outputs = { current };
      if ('step' in def.outputs) loop.step = { kind: 'Number', values: [step] };
      const nodes = await executor.runSubgraph(body.nodes, new Map([[zoneId, loop]]), step);
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
  return { runtime, lastRun: () => last, lastLoop: () => lastLoop };
}
