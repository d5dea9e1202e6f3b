import type { GraphDocument } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { RunState } from './run-state';

type TypeOf = (type: string) => NodeTypeInfo | undefined;

/**
 * The optimization zone running now, if any: the one "Stop and use best" talks to. Zones do not
 * nest and a run does one unit at a time, so there is at most one. Pick zones end with Done.
 */
export function runningGradientZone(doc: GraphDocument, run: RunState, typeOf: TypeOf): string | undefined {
  return doc.nodes.find((n) => typeOf(n.type)?.zone === 'gradient' && run.nodes[n.id]?.status === 'running')?.id;
}
