import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../runtime/graph/validate';
import type { Problem } from '../../runtime/events';
import { doc, makeTestNodes } from './test-nodes';

const { registry } = makeTestNodes();
const problemsOf = (input: unknown): Problem[] => {
  const result = validateGraph(input, registry);
  return result.ok ? [] : result.problems;
};

const good = () => doc([['c', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a']]);

describe('validateGraph', () => {
  it('accepts a good document and fills in defaults', () => {
    const result = validateGraph(good(), registry);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.graph.params.get('c')).toEqual({ value: 1 });
  });

  const cases: { name: string; input: unknown; expected: Partial<Omit<Problem, 'message'>> & { message: RegExp } }[] = [
    { name: 'invalid JSON', input: '{"format": ', expected: { message: /^invalid JSON/ } },
    { name: 'not an object', input: '[1, 2]', expected: { message: /must be a JSON object/ } },
    { name: 'wrong format', input: { ...good(), format: 'comfy/workflow' }, expected: { message: /not an Embedding Studio graph: "format" is "comfy\/workflow"/ } },
    { name: 'missing format', input: { version: 1, nodes: [] }, expected: { message: /no "format"/ } },
    { name: 'newer version', input: { ...good(), version: 7 }, expected: { message: /version 7 is newer than this Embedding Studio understands \(up to 1\)/ } },
    { name: 'older version without upgrade', input: { ...good(), version: 0 }, expected: { message: /version 0 is not supported/ } },
    { name: 'version not a number', input: { ...good(), version: '1' }, expected: { message: /"version" must be an integer/ } },
    { name: 'bad node id', input: doc([['a b', 'Const']]), expected: { nodeId: 'a b', message: /^id: node ids use/ } },
    { name: 'nodes not a list', input: { ...good(), nodes: {} }, expected: { message: /^nodes: / } },
    { name: 'unknown node type', input: doc([['x', 'Frobnicate']]), expected: { nodeId: 'x', message: /unknown node type "Frobnicate"/ } },
    { name: 'duplicate ids', input: doc([['c', 'Const'], ['c', 'Const']]), expected: { nodeId: 'c', message: /duplicate node id "c"/ } },
    {
      name: 'unknown input port',
      input: doc([['c', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a'], ['c', 'out', 's', 'zz']]),
      expected: { nodeId: 's', port: 'zz', message: /unknown input port "zz" \(Add has: a, b\)/ },
    },
    {
      name: 'unknown output port',
      input: doc([['c', 'Const'], ['s', 'Add']], [['c', 'nope', 's', 'a']]),
      expected: { nodeId: 'c', port: 'nope', message: /unknown output port "nope"/ },
    },
    {
      name: 'edge to a missing node',
      input: doc([['c', 'Const']], [['c', 'out', 'ghost', 'a']]),
      expected: { nodeId: 'c', message: /edge c.out -> ghost.a: no node "ghost"/ },
    },
    {
      name: 'socket type mismatch',
      input: doc([['e', 'ConstEmbedding'], ['s', 'Add']], [['e', 'embedding', 's', 'a']]),
      expected: { nodeId: 's', port: 'a', message: /input "a" takes Number, but e.embedding gives Embedding/ },
    },
    {
      name: 'two edges into one input',
      input: doc([['c', 'Const'], ['d', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a'], ['d', 'out', 's', 'a']]),
      expected: { nodeId: 's', port: 'a', message: /input "a" has more than one connection/ },
    },
    { name: 'missing required input', input: doc([['s', 'Add']]), expected: { nodeId: 's', port: 'a', message: /required input "a" is not connected/ } },
    { name: 'param of wrong type', input: doc([['c', 'Const', { value: 'ten' }]]), expected: { nodeId: 'c', param: 'value', message: /param "value": .*got "ten"/ } },
    { name: 'param out of bounds', input: doc([['c', 'Const', { value: 5000 }]]), expected: { nodeId: 'c', param: 'value', message: /param "value": .*1000.*got 5000/ } },
    { name: 'unknown param', input: doc([['c', 'Const', { valu: 2 }]]), expected: { nodeId: 'c', param: 'valu', message: /unknown param "valu" \(Const has: value\)/ } },
    { name: 'bad list element', input: doc([['s', 'SeedSet', { seeds: [1, -2] }]]), expected: { nodeId: 's', param: 'seeds', message: /param "seeds"\[1\]/ } },
    {
      name: 'cycle outside a zone',
      input: doc([['a', 'Add'], ['b', 'Add']], [['a', 'out', 'b', 'a'], ['b', 'out', 'a', 'a']]),
      expected: { nodeId: 'a', message: /cycle outside a zone: a -> b -> a/ },
    },
    { name: 'self loop', input: doc([['a', 'Add']], [['a', 'out', 'a', 'a']]), expected: { nodeId: 'a', message: /cycle outside a zone: a -> a/ } },
    {
      name: 'cycle through a zone init is still a cycle',
      input: doc(
        [['z', 'Loop'], ['f', 'Add'], ['g', 'Add']],
        [['z', 'result', 'g', 'a'], ['g', 'out', 'z', 'init'], ['z', 'current', 'f', 'a'], ['f', 'out', 'z', 'loss']],
      ),
      expected: { nodeId: 'z', message: /cycle outside a zone: z -> g -> z/ },
    },
    {
      name: 'non-differentiable node in a gradient zone',
      input: doc(
        [['i', 'Const'], ['z', 'Loop'], ['f', 'Add'], ['o', 'Opaque']],
        [['i', 'out', 'z', 'init'], ['z', 'current', 'f', 'a'], ['f', 'out', 'o', 'a'], ['o', 'out', 'z', 'loss']],
      ),
      expected: { nodeId: 'o', message: /Opaque is not differentiable, but it lies between "current" and the loop inputs of gradient zone "z"/ },
    },
    {
      name: 'zone body that does not depend on current',
      input: doc([['i', 'Const'], ['z', 'Loop'], ['k', 'Const']], [['i', 'out', 'z', 'init'], ['k', 'out', 'z', 'loss']]),
      expected: { nodeId: 'z', port: 'loss', message: /zone input "loss" does not depend on "current"/ },
    },
    {
      name: 'body node using the zone result',
      input: doc(
        [['i', 'Const'], ['z', 'Loop'], ['f', 'Add']],
        [['i', 'out', 'z', 'init'], ['z', 'current', 'f', 'a'], ['z', 'result', 'f', 'b'], ['f', 'out', 'z', 'loss']],
      ),
      expected: { nodeId: 'f', message: /cannot use its "result"/ },
    },
  ];

  it.each(cases)('reports $name', ({ input, expected }) => {
    const problems = problemsOf(input);
    const { message, ...where } = expected;
    const match = problems.find((p) => message.test(p.message));
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match).toMatchObject(where);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      doc(
        [['a', 'Nope'], ['c', 'Const', { value: 'x' }], ['s', 'Add'], ['s', 'Add']],
        [['c', 'out', 's', 'b'], ['c', 'bogus', 's', 'b']],
      ),
    );
    expect(problems.map((p) => [p.nodeId, p.port ?? p.param ?? null])).toEqual(
      expect.arrayContaining([['a', null], ['c', 'value'], ['s', null], ['c', 'bogus'], ['s', 'a'], ['s', 'b']]),
    );
  });

  it('does not treat a zone loop as a cycle, and allows non-differentiable nodes in a pick zone', () => {
    const zoneDoc = (type: string, mid: string) =>
      doc(
        [['i', 'Const'], ['z', type], ['f', mid]],
        [['i', 'out', 'z', 'init'], ['z', 'current', 'f', 'a'], ['f', 'out', 'z', 'loss']],
      );
    expect(problemsOf(zoneDoc('Loop', 'Add'))).toEqual([]);
    expect(problemsOf(zoneDoc('PickLoop', 'Opaque'))).toEqual([]);
  });

  it('never evaluates anything from the document', () => {
    const hostile = { ...good(), meta: { title: '${process.exit(1)}' }, nodes: [{ id: 'c', type: '__proto__', params: { constructor: 1 } }], edges: [] };
    expect(problemsOf(JSON.stringify(hostile))).toMatchObject([{ nodeId: 'c', message: 'unknown node type "__proto__"' }]);
  });
});
