import type { GraphDocument } from './document';
import type { Problem } from '../worker/protocol';

/** One line for a problem, naming the node (and its type) first: `node "gen" (Generate): ...`. */
export function formatProblem(problem: Problem, doc?: GraphDocument): string {
  if (!problem.nodeId) return problem.message;
  const type = doc?.nodes.find((n) => n.id === problem.nodeId)?.type;
  return `node "${problem.nodeId}"${type ? ` (${type})` : ''}: ${problem.message}`;
}
