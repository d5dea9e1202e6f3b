import { createProductRegistry } from '../nodes/product';
import { validateGraph } from '../runtime/graph/validate';
import { looseNodes, problemFormatter } from '../runtime/graph/problems';
import { report, reportTiming } from './report';

/**
 * A document with 10,000 problems, 2,500 of each kind: an unknown node type, a param out of
 * bounds, a required input left unconnected, an edge into an unknown port.
 */
export function manyProblems(groups = 2500): string {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  for (let i = 0; i < groups; i++) {
    nodes.push({ id: `t${i}`, type: 'NoSuchNode' }, { id: `s${i}`, type: 'SeedSet', params: { count: -1 } }, { id: `p${i}`, type: 'Preview' });
    nodes.push({ id: `n${i}`, type: 'Note' });
    edges.push({ from: [`s${i}`, 'seeds'], to: [`n${i}`, 'nothing'] });
  }
  return JSON.stringify({ format: 'embedding-studio/graph', version: 1, nodes, edges });
}

/** Validation and its report (every problem as its CLI line) for 10,000 problems, in process (goal < 200 ms). */
export default async function validateBench(): Promise<void> {
  const registry = createProductRegistry();
  const text = manyProblems();
  const first = validateGraph(text, registry);
  const count = first.ok ? 0 : first.problems.length;
  if (count !== 10_000) throw new Error(`the document has ${count} problems, not 10,000`);
  report('validate.problems', count, 'problems');
  await reportTiming('validate.10000_problems', () => {
    const result = validateGraph(text, registry);
    if (!result.ok) result.problems.map(problemFormatter(looseNodes(text)));
  });
  // each zone's body is found from what it reaches, not by scanning every node: linear, not quadratic
  const zones = { format: 'embedding-studio/graph', version: 1, nodes: Array.from({ length: 20_000 }, (_, i) => ({ id: `z${i}`, type: 'Pick' })) };
  await reportTiming('validate.20000_zones', () => validateGraph(zones, registry));
}
