import { GraphExecutor } from '../runtime/executor/executor';
import { ResultCache } from '../runtime/executor/cache';
import { cheapGraph, cheapRegistry, compileOrThrow } from './cheap-nodes';
import { reportTiming } from './report';

/** Re-running 1000 cheap nodes against a warm cache: nothing changed, and one param edited near the end. */
export default async function cacheRerun(): Promise<void> {
  const N = 1000;
  const registry = cheapRegistry();
  const cache = new ResultCache();
  const graph = compileOrThrow(cheapGraph(N), registry);
  await new GraphExecutor(graph, { services: {}, cache }).run();
  await reportTiming('cache.rerun_unchanged_1000_nodes', () => new GraphExecutor(graph, { services: {}, cache }).run());
  // Editing node 990 re-executes it and the 9 nodes after it; alternate values so each rep misses.
  let flip = 0;
  const edited = [2, 3].map((scale) => compileOrThrow(cheapGraph(N, 990, scale), registry));
  await reportTiming('cache.rerun_after_one_edit_1000_nodes', () => new GraphExecutor(edited[flip++ % 2], { services: {}, cache }).run());
}
