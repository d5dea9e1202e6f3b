import { GraphExecutor } from '../runtime/executor/executor';
import { ResultCache } from '../runtime/executor/cache';
import { makePlan } from '../runtime/executor/plan';
import { validateGraph } from '../runtime/graph/validate';
import { cheapGraph, cheapRegistry, compileOrThrow } from './cheap-nodes';
import { report, reportTiming } from './report';

/** Scheduler overhead on 1000 cheap nodes: validation, planning, and plan + dispatch of a cold run (goal < 20 ms). */
export default async function schedulerOverhead(): Promise<void> {
  const N = 1000;
  const registry = cheapRegistry();
  const doc = cheapGraph(N);
  const graph = compileOrThrow(doc, registry);
  await reportTiming('scheduler.validate_1000_nodes', () => validateGraph(doc, registry));
  await reportTiming('scheduler.plan_1000_nodes', () => makePlan(graph));
  // A fresh cache each time: every node is planned, keyed, dispatched, run (almost no work) and stored.
  const cold = await reportTiming('scheduler.plan_and_dispatch_1000_nodes', () =>
    new GraphExecutor(graph, { services: {}, cache: new ResultCache() }).run(),
  );
  report('scheduler.per_node_overhead.cpu', (cold.cpu * 1000) / N, 'us');
}
