import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProductRegistry } from '../nodes/product';
import type { Outputs } from '../runtime/node-api/node';
import type { RuntimeServices } from '../runtime/node-api/services';
import { validateGraph } from '../runtime/graph/validate';
import { GraphExecutor } from '../runtime/executor/executor';
import { ResultCache } from '../runtime/executor/cache';
import type { RunSummary, RuntimeEvent } from '../runtime/events';

/** Shared by tests/methods and bench/methods.bench.ts: run a shipped template with some params changed. */
export type Overrides = Record<string, Record<string, unknown>>;

interface TemplateNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
}
export interface Template {
  nodes: TemplateNode[];
  edges: unknown[];
  [key: string]: unknown;
}

export function loadTemplate(name: string, overrides: Overrides = {}): Template {
  const path = fileURLToPath(new URL(`../graphs/${name}.json`, import.meta.url));
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Template;
  for (const [id, params] of Object.entries(overrides)) {
    const node = doc.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`template ${name} has no node "${id}"`);
    node.params = { ...node.params, ...params };
  }
  return doc;
}

/** Sets the same params on every node of a type (e.g. fewer denoising steps for a quick test). */
export function overrideType(doc: Template, type: string, params: Record<string, unknown>): Template {
  for (const n of doc.nodes) if (n.type === type) n.params = { ...n.params, ...params };
  return doc;
}

export interface GraphRun {
  summary: RunSummary;
  output(nodeId: string): Outputs | undefined;
  /** Objective per iteration of each zone. */
  history: Map<string, number[]>;
  events: RuntimeEvent[];
}

/** Runs a document with the product's nodes; `services` should come from nodeServices() (shared to keep models loaded). */
export async function runGraph(doc: unknown, services: RuntimeServices): Promise<GraphRun> {
  const v = validateGraph(doc, createProductRegistry());
  if (!v.ok) throw new Error(v.problems.map((p) => `${p.nodeId ?? ''}: ${p.message}`).join('\n'));
  const events: RuntimeEvent[] = [];
  const history = new Map<string, number[]>();
  const executor = new GraphExecutor(v.graph, {
    services,
    cache: new ResultCache(),
    emit: (e) => {
      if (e.type === 'node-preview') return;
      events.push(e);
      if (e.type === 'zone-iteration') history.set(e.nodeId, [...(history.get(e.nodeId) ?? []), e.objective]);
    },
  });
  const summary = await executor.run();
  return { summary, output: (id) => executor.output(id), history, events };
}

export function scoreOf(run: GraphRun, nodeId: string): number[] {
  const s = run.output(nodeId)?.score;
  if (!s || s.kind !== 'Score') throw new Error(`node "${nodeId}" produced no score`);
  return [...s.values];
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
