import type { GraphDocument } from './document';
import type { Problem } from '../events';

/** One line for a problem, naming the node (and its type) first: `node "gen" (Generate): ...`. */
export function formatProblem(problem: Problem, doc?: Pick<GraphDocument, 'nodes'>): string {
  if (!problem.nodeId) return problem.message;
  const type = doc?.nodes.find((n) => n.id === problem.nodeId)?.type;
  return `node "${problem.nodeId}"${type ? ` (${type})` : ''}: ${problem.message}`;
}

/** The node list of a document that may be invalid, for naming node types in messages. */
export function looseNodes(input: unknown): Pick<GraphDocument, 'nodes'> | undefined {
  try {
    const raw = typeof input === 'string' ? JSON.parse(input) : input;
    const nodes = (raw as { nodes?: unknown }).nodes;
    if (!Array.isArray(nodes)) return undefined;
    return { nodes: nodes.filter((n) => typeof n?.id === 'string' && typeof n?.type === 'string') };
  } catch {
    return undefined;
  }
}
