import type { GraphDocument } from './document';
import type { Problem } from '../events';
import { oneLine, quote } from '../messages';

/** A problem whose message is one safe line (runtime/messages.ts); where it points is kept as is. */
export function safeProblem(problem: Problem): Problem {
  return { ...problem, message: oneLine(problem.message) };
}

/**
 * Formats problems as one line each, naming the node (and its type) first:
 * `node "gen" (Generate): ...`. Node types are looked up once, so a report of many problems
 * stays linear in the document's size.
 */
export function problemFormatter(doc?: Pick<GraphDocument, 'nodes'>): (problem: Problem) => string {
  const types = new Map<string, string>();
  for (const n of doc?.nodes ?? []) if (!types.has(n.id)) types.set(n.id, n.type);
  return (problem) => {
    if (!problem.nodeId) return oneLine(problem.message);
    const type = types.get(problem.nodeId);
    return oneLine(`node ${quote(problem.nodeId)}${type !== undefined ? ` (${quote(type).slice(1, -1)})` : ''}: ${problem.message}`);
  };
}

/** One line for a problem; to format many, make one `problemFormatter` and reuse it. */
export function formatProblem(problem: Problem, doc?: Pick<GraphDocument, 'nodes'>): string {
  return problemFormatter(doc)(problem);
}

/** The node list of a document that may be invalid, for naming node types in messages. */
export function looseNodes(input: unknown): Pick<GraphDocument, 'nodes'> | undefined {
  try {
    const raw = typeof input === 'string' ? JSON.parse(input) : input;
    const nodes = (raw as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes)) return undefined;
    return { nodes: nodes.filter((n) => typeof n?.id === 'string' && typeof n?.type === 'string') };
  } catch {
    return undefined;
  }
}
