import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphSchemaText } from '../../runtime/graph/json-schema';
import { migrate, MIGRATIONS, type MigrationStep } from '../../runtime/graph/migrate';
import { GRAPH_VERSION } from '../../runtime/graph/document';
import { loadDocument } from '../../runtime/graph/load';
import { validateGraph } from '../../runtime/graph/validate';
import { createProductRegistry } from '../../nodes/product';

describe('graphs/schema.json', () => {
  it('matches the zod schema (run `npm run schema` after changing document.ts)', () => {
    const committed = readFileSync(new URL('../../graphs/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(graphSchemaText());
  });
});

describe('migrate', () => {
  // A made-up history: v1 named edges "links", v2 called node params "settings".
  const steps: Record<number, MigrationStep> = {
    1: ({ links, ...rest }) => ({ ...rest, edges: links }),
    2: (doc) => ({ ...doc, nodes: (doc.nodes as { settings: unknown }[]).map(({ settings, ...n }) => ({ ...n, params: settings })) }),
  };

  it('applies each step in order up to the latest version', () => {
    const v1 = { version: 1, nodes: [{ id: 'a', settings: { x: 1 } }], links: [] };
    expect(migrate(v1, steps, 3)).toEqual({ ok: true, doc: { version: 3, nodes: [{ id: 'a', params: { x: 1 } }], edges: [] } });
    const v2 = { version: 2, nodes: [{ id: 'a', settings: {} }], edges: [] };
    expect(migrate(v2, steps, 3)).toEqual({ ok: true, doc: { version: 3, nodes: [{ id: 'a', params: {} }], edges: [] } });
  });

  it('leaves a current document alone and refuses newer or unknown versions', () => {
    const current = { version: 3, nodes: [] };
    expect(migrate(current, steps, 3)).toEqual({ ok: true, doc: current });
    expect(migrate({ version: 4 }, steps, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/version 4 is newer/) });
    expect(migrate({ version: 0 }, steps, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/no upgrade from version 0/) });
  });

  it('has a step for every version below the current one (none today: v1 is the first)', () => {
    for (let v = 1; v < GRAPH_VERSION; v++) expect(MIGRATIONS[v], `step ${v} -> ${v + 1}`).toBeTypeOf('function');
  });

  it('is part of loading', () => {
    expect(loadDocument({ format: 'embedding-studio/graph', version: GRAPH_VERSION, nodes: [] })).toMatchObject({ ok: true });
  });
});

describe('shipped templates', () => {
  const dir = new URL('../../graphs/', import.meta.url);
  const templates = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'schema.json');

  it.each(templates)('%s validates against the product nodes and says what it is', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const result = validateGraph(text, createProductRegistry());
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (result.ok) expect(result.graph.doc.meta).toMatchObject({ title: expect.any(String), description: expect.any(String) });
  });
});
