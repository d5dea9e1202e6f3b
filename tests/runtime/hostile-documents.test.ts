import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../runtime/graph/validate';
import { formatProblem } from '../../runtime/graph/problems';
import { DOCUMENT_LIMITS } from '../../runtime/graph/limits';
import type { Problem } from '../../runtime/events';
import { doc, makeTestNodes } from './test-nodes';
import { lineFault } from './safe-line';

const { registry } = makeTestNodes();
const problemsOf = (input: unknown): Problem[] => {
  const result = validateGraph(input, registry);
  return result.ok ? [] : result.problems;
};
const good = () => doc([['c', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a']]);

/** Names that are members of every object: a lookup that is not own-property-only finds them. */
const PROTO_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf'];

describe('validation of hostile documents', () => {
  it.each(PROTO_NAMES)('reports %s as a type, param, input or output name without throwing', (name) => {
    const asType = doc([['x', name]]);
    expect(problemsOf(asType)).toEqual([{ nodeId: 'x', message: `unknown node type "${name}"` }]);
    const asPort = doc([['c', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a'], ['c', 'out', 's', name]]);
    expect(problemsOf(asPort)).toContainEqual(expect.objectContaining({ nodeId: 's', port: name, message: expect.stringMatching(/^unknown input port/) }));
    const asOutput = doc([['c', 'Const'], ['s', 'Add']], [['c', name, 's', 'a']]);
    expect(problemsOf(asOutput)).toContainEqual(expect.objectContaining({ nodeId: 'c', port: name, message: expect.stringMatching(/^unknown output port/) }));
    // a param named like this, written the way a file would hold it
    const text = JSON.stringify(good()).replace('"params":{}', `"params":{"${name}":1}`);
    const param = problemsOf(text);
    expect(param).toHaveLength(1);
    expect(param[0]).toMatchObject({ nodeId: 'c', param: name });
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('steps');
  });

  it('refuses a __proto__ key anywhere, so no copy can turn it into a prototype', () => {
    const text = JSON.stringify(good()).replace('"params":{}', '"params":{"__proto__":{"value":99999}}');
    expect(problemsOf(text)).toEqual([{ nodeId: 'c', param: '__proto__', message: 'the key "__proto__" is not allowed (at nodes[0].params.__proto__)' }]);
    const inMeta = JSON.stringify({ ...good(), meta: { x: 1 } }).replace('"x":1', '"__proto__":{"polluted":true}');
    expect(problemsOf(inMeta)[0].message).toMatch(/^the key "__proto__" is not allowed \(at meta.__proto__\)/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values nested past the limit, as text or as objects, naming the node and param', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const d = doc([['c', 'Const', { value: deep as number }]]);
    expect(problemsOf(d)).toEqual([
      expect.objectContaining({ nodeId: 'c', param: 'value', message: expect.stringMatching(/^the document nests deeper than 32 levels \(at nodes\[0\]\.params\.value\[0\]/) }),
    ]);
    const text = JSON.stringify(good()).replace('"params":{}', `"params":{"value":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(problemsOf(text)[0].message).toMatch(/nests deeper than 32 levels/);
    // a circular object (an in-process caller) is just deeper than the limit
    const circular: Record<string, unknown> = { ...good() };
    circular.meta = { self: circular };
    expect(problemsOf(circular)[0].message).toMatch(/nests deeper/);
  });

  it('refuses a string past the limit without echoing it', () => {
    const big = 'x'.repeat(DOCUMENT_LIMITS.stringLength + 1);
    const problems = problemsOf(doc([['n', 'Note', { text: big }]]));
    expect(problems).toEqual([expect.objectContaining({ nodeId: 'n', param: 'text', message: expect.stringMatching(/^a text of 100,001 characters is longer than the limit of 100,000/) })]);
  });

  it('refuses a zone nested in another, naming both (it used to pass, then fail at run)', () => {
    const nested = doc(
      [['i', 'Const'], ['outer', 'Loop'], ['inner', 'Loop'], ['f', 'Add'], ['g', 'Add']],
      [['i', 'out', 'outer', 'init'], ['outer', 'current', 'inner', 'init'], ['inner', 'current', 'f', 'a'], ['f', 'out', 'inner', 'loss'], ['inner', 'result', 'g', 'a'], ['g', 'out', 'outer', 'loss']],
    );
    expect(problemsOf(nested)).toEqual([{ nodeId: 'inner', message: 'zone "inner" is inside zone "outer": zones cannot be nested' }]);
    // two zones sharing a body node: each is inside the other
    const shared = doc(
      [['i', 'Const'], ['z1', 'Loop'], ['z2', 'Loop'], ['a', 'Add']],
      [['i', 'out', 'z1', 'init'], ['i', 'out', 'z2', 'init'], ['z1', 'current', 'a', 'a'], ['z2', 'current', 'a', 'b'], ['a', 'out', 'z1', 'loss'], ['a', 'out', 'z2', 'loss']],
    );
    expect(problemsOf(shared).map((p) => p.message)).toEqual([
      'zone "z2" is inside zone "z1": zones cannot be nested',
      'zone "z1" is inside zone "z2": zones cannot be nested',
    ]);
  });

  it('escapes terminal escapes and bidi controls from the document in every message', () => {
    const evil = 'X\u001b[2J\u001b]0;owned\u0007\u202eexe.txt\nnext';
    const d = doc([['c', evil], ['s', 'Add', { [evil]: 1 }]], [['c', evil, 's', evil], [evil, 'out', 's', 'a']]);
    (d.nodes[0] as { id: string }).id = `bad${evil}`;
    const problems = problemsOf(d);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      const line = formatProblem(p, d as never);
      expect(lineFault(line)).toBeUndefined();
      expect(line).toContain('\\u001b');
    }
  });
});
