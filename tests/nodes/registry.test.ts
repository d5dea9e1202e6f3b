import { describe, expect, it } from 'vitest';
import { createProductRegistry, NodeRegistry, PRODUCT_NODES } from '../../nodes/product';
import { Note } from '../../nodes/Note';
import { paramSchema, type ParamSpecs } from '../../runtime/node-api/params';
import { SOCKET_TYPES } from '../../runtime/values/types';

describe('node registry', () => {
  it('holds the model-free product nodes', () => {
    const types = createProductRegistry().list().map((d) => d.type);
    expect(types).toEqual(expect.arrayContaining(['SeedSet', 'Slerp', 'Preview', 'Note']));
  });

  it('refuses a type registered twice', () => {
    expect(() => new NodeRegistry([Note, Note])).toThrow('node type "Note" is registered twice');
  });

  it('describes nodes as plain data the editor can receive over postMessage', () => {
    const info = createProductRegistry().info();
    expect(structuredClone(info)).toEqual(info);
  });

  it.each(PRODUCT_NODES.map((d) => [d.type, d] as const))('%s: ports, params and docs are well formed', (_type, def) => {
    expect(def.doc.length).toBeGreaterThan(0);
    expect(def.version).toBeGreaterThanOrEqual(1);
    for (const port of [...Object.values(def.inputs), ...Object.values(def.outputs)]) {
      const types = typeof port.type === 'string' ? [port.type] : port.type;
      for (const t of types) expect(SOCKET_TYPES).toContain(t);
    }
    for (const [name, spec] of Object.entries(def.params as ParamSpecs)) {
      expect(spec.doc, name).toBeTruthy();
      expect(paramSchema(spec).safeParse(spec.default).success, `default of ${name}`).toBe(true);
    }
  });
});
