import { portLabel, portsFit, type PortSpec } from '../../runtime/node-api/ports';
import type { GraphDocument, GraphEdge } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';

/** Socket typing as the editor sees it: which output may feed which input. */


export type ConnectCheck = { ok: true } | { ok: false; hint: string };

/** Why a connection from `fromType.outputs[fromPort]` to `toType.inputs[toPort]` is refused, if it is. */
export function checkConnection(
  fromType: NodeTypeInfo | undefined,
  fromPort: string,
  toType: NodeTypeInfo | undefined,
  toPort: string,
): ConnectCheck {
  const out = fromType?.outputs[fromPort];
  const inp = toType?.inputs[toPort];
  if (!out) return { ok: false, hint: `no output "${fromPort}"` };
  if (!inp) return { ok: false, hint: `no input "${toPort}"` };
  if (!portsFit(out, inp)) {
    return { ok: false, hint: `${portLabel(out)} does not fit ${toType!.type}.${toPort} (${portLabel(inp)})` };
  }
  return { ok: true };
}

/** Node types offering a port that fits a dragged socket, for the palette after a connection drop. */
export function typesFitting(
  types: readonly NodeTypeInfo[],
  dragged: { side: 'input' | 'output'; port: PortSpec },
): { info: NodeTypeInfo; port: string }[] {
  const out: { info: NodeTypeInfo; port: string }[] = [];
  for (const info of types) {
    const candidates = dragged.side === 'output' ? info.inputs : info.outputs;
    for (const [name, spec] of Object.entries(candidates)) {
      const fits = dragged.side === 'output' ? portsFit(dragged.port, spec) : portsFit(spec, dragged.port);
      if (fits) {
        out.push({ info, port: name });
        break;
      }
    }
  }
  return out;
}

/** The edge joining a new node (`info`, `id`) to a dropped wire's socket: its first port that fits. */
export function firstFittingEdge(
  doc: GraphDocument,
  types: ReadonlyMap<string, NodeTypeInfo>,
  info: NodeTypeInfo,
  id: string,
  link: { nodeId: string; port: string; side: 'input' | 'output' },
): GraphEdge | undefined {
  const other = doc.nodes.find((n) => n.id === link.nodeId);
  const otherInfo = other && types.get(other.type);
  const ports = link.side === 'output' ? info.inputs : info.outputs;
  for (const port of Object.keys(ports)) {
    const fromOutput = link.side === 'output';
    const check = fromOutput ? checkConnection(otherInfo, link.port, info, port) : checkConnection(info, port, otherInfo, link.port);
    if (check.ok) return fromOutput ? { from: [link.nodeId, link.port], to: [id, port] } : { from: [id, port], to: [link.nodeId, link.port] };
  }
  return undefined;
}
