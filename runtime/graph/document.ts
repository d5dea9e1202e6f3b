import { z } from 'zod';

/** The graph document: the file format of `graphs/*.json`, exports and CLI input (docs/design.md#the-graph-document). */
export const GRAPH_FORMAT = 'embedding-studio/graph';
export const GRAPH_VERSION = 1;

export const PortRef = z.tuple([z.string().min(1), z.string().min(1)]).describe('[nodeId, portName]');

export const GraphNode = z.object({
  id: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'node ids use letters, digits, "_", "." and "-"'),
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.tuple([z.number(), z.number()]).default([0, 0]),
  /** Free-form editor state (collapsed, color, width); the runtime ignores it. */
  ui: z.record(z.string(), z.unknown()).optional(),
});

export const GraphEdge = z.object({ from: PortRef, to: PortRef });

export const GraphMeta = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
  })
  .catchall(z.unknown());

export const GraphDocument = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  meta: GraphMeta.default({}),
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge).default([]),
});

export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type GraphDocument = z.infer<typeof GraphDocument>;
