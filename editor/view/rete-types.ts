import { ClassicPreset, type GetSchemes } from 'rete';
import type { ReactArea2D } from 'rete-react-plugin';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import { portTypes } from '../../runtime/node-api/ports';

/** Rete's side of a document node: id, ports and measured size. Content comes from the engine. */
export class StudioNode extends ClassicPreset.Node {
  width = 236;
  height = 140;
  constructor(
    id: string,
    readonly nodeType: string,
    info: NodeTypeInfo | undefined,
  ) {
    super(nodeType);
    this.id = id;
    if (!info) return;
    // Inputs take many connections in Rete's eyes: the engine replaces the old edge in one undo step.
    for (const [name, spec] of Object.entries(info.inputs)) this.addInput(name, new ClassicPreset.Input(socket(portTypes(spec)), name, true));
    for (const [name, spec] of Object.entries(info.outputs)) this.addOutput(name, new ClassicPreset.Output(socket(portTypes(spec)), name));
  }
}

export class StudioConnection extends ClassicPreset.Connection<StudioNode, StudioNode> {
  constructor(
    id: string,
    source: StudioNode,
    sourceOutput: string,
    target: StudioNode,
    targetInput: string,
  ) {
    super(source, sourceOutput, target, targetInput);
    this.id = id;
  }
}

const sockets = new Map<string, ClassicPreset.Socket>();
function socket(types: readonly string[]): ClassicPreset.Socket {
  const name = types.join('|');
  let s = sockets.get(name);
  if (!s) sockets.set(name, (s = new ClassicPreset.Socket(name)));
  return s;
}

export type Schemes = GetSchemes<StudioNode, StudioConnection>;
export type AreaExtra = ReactArea2D<Schemes>;
