import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { GraphDocument } from '../../runtime/graph/document';
import type { EditorEngine } from '../state/engine';
import { edgeKey } from '../state/document-ops';
import { StudioConnection, StudioNode, type AreaExtra, type Schemes } from './rete-types';

/**
 * Brings Rete's node and connection views in line with the engine's document by diffing.
 * Requests coalesce: while one pass runs, only the newest document waits for the next.
 * `applying` is true while the sync itself edits Rete, so view handlers know to ignore it.
 */
export class ViewSync {
  applying = false;
  private next?: GraphDocument;
  private draining?: Promise<void>;

  constructor(
    private readonly editor: NodeEditor<Schemes>,
    private readonly area: AreaPlugin<Schemes, AreaExtra>,
    private readonly engine: EditorEngine,
  ) {}

  request(doc: GraphDocument): Promise<void> {
    this.next = doc;
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const doc = this.next;
      this.next = undefined;
      this.applying = true;
      try {
        await this.apply(doc);
      } finally {
        this.applying = false;
      }
    }
  }

  private async apply(doc: GraphDocument): Promise<void> {
    const { editor, area } = this;
    const wantNodes = new Map(doc.nodes.map((n) => [n.id, n]));
    const wantEdges = new Map(doc.edges.map((e) => [edgeKey(e), e]));
    const retyped = new Set(
      editor.getNodes().filter((v) => wantNodes.has(v.id) && wantNodes.get(v.id)!.type !== v.nodeType).map((v) => v.id),
    );
    for (const c of editor.getConnections()) {
      if (!wantEdges.has(c.id) || retyped.has(c.source) || retyped.has(c.target)) await editor.removeConnection(c.id);
    }
    for (const v of editor.getNodes()) {
      if (!wantNodes.has(v.id) || retyped.has(v.id)) await editor.removeNode(v.id);
    }
    for (const n of doc.nodes) {
      if (!editor.getNode(n.id)) {
        await editor.addNode(new StudioNode(n.id, n.type, this.engine.typeOf(n.type)));
        await area.translate(n.id, { x: n.position[0], y: n.position[1] });
        continue;
      }
      const view = area.nodeViews.get(n.id);
      if (view && (view.position.x !== n.position[0] || view.position.y !== n.position[1])) {
        await area.translate(n.id, { x: n.position[0], y: n.position[1] });
      }
    }
    for (const [key, e] of wantEdges) {
      if (editor.getConnection(key)) continue;
      const source = editor.getNode(e.from[0]);
      const target = editor.getNode(e.to[0]);
      // Ports of unknown node types have no sockets: the validation error says so, we just skip.
      if (!source?.outputs[e.from[1]] || !target?.inputs[e.to[1]]) continue;
      await editor.addConnection(new StudioConnection(key, source, e.from[1], target, e.to[1]));
    }
  }
}
