// The one driver: find the nodes between `wrt` and `of`, check every one has a rule (all
// failures reported together, before anything is built), then walk them in reverse
// topological order, summing cotangents where a value fans out.
import { isFloatCode, type GraphProto, type NodeProto } from '../onnx/index';
import { Emitter } from './emit';
import { noGradOps, rules } from './rules';
import type { Info } from './dims';
import { unbroadcast } from './unbroadcast';

export interface VjpGraph {
  /** forward nodes followed by the gradient nodes (not yet pruned) */
  nodes: NodeProto[];
  /** graph inputs of the gradient model (forward inputs + cotangent) */
  inputs: string[];
  outputs: string[];
  info: Map<string, Info>;
}

const opKey = (n: NodeProto) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType ?? '');
const nodeName = (n: NodeProto, i: number) => n.name || `#${i} (${n.opType})`;

export function buildVjpGraph(
  graph: GraphProto,
  info: Map<string, Info>,
  opset: number,
  opts: { wrt: string[]; of: string; includeOutput?: boolean },
): VjpGraph {
  const nodes = graph.node ?? [];
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n));
  const produced = new Set(nodes.flatMap((n) => n.output ?? []));
  const { wrt, of } = opts;
  if (wrt.length === 0) throw new Error('no input to differentiate (wrt is empty)');
  if (new Set(wrt).size !== wrt.length) throw new Error(`an input is listed twice in wrt (${wrt.join(', ')})`);
  for (const w of wrt) {
    if (!inputs.includes(w)) throw new Error(`unknown input "${w}" (inputs: ${inputs.join(', ')})`);
    if (!isFloatCode(info.get(w)?.dtype ?? 0)) throw new Error(`input "${w}" is not floating point`);
  }
  if (!produced.has(of) && !inputs.includes(of)) throw new Error(`unknown tensor "${of}"`);
  const ofType = info.get(of)?.dtype ?? 0;
  if (ofType && !isFloatCode(ofType)) throw new Error(`tensor "${of}" is not floating point`);
  if (opset < 13) throw new Error(`opset ${opset} is not supported (13 or later)`);

  // forward: values that depend on wrt through float paths
  const active = new Set(wrt);
  // An If/Loop/Scan body may read an outer value without listing it as an input: such a node
  // carries the gradient too, or its share would silently be zero.
  const innerReads = (n: NodeProto) => ((n.attribute ?? []).some((a) => a.g || a.graphs?.length) ? subgraphInputs(n).filter((v) => active.has(v)) : []);
  const carries = (n: NodeProto) => !noGradOps.has(opKey(n)) && ((n.input ?? []).some((i) => active.has(i)) || innerReads(n).length > 0);
  for (const n of nodes) {
    if (!carries(n)) continue;
    for (const o of n.output ?? []) if (isFloatCode(info.get(o)?.dtype ?? 0) || !info.get(o)?.dtype) active.add(o);
  }
  // backward: nodes that `of` depends on
  const needed = new Set([of]);
  const onPath: number[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    (n.input ?? []).forEach((x) => needed.add(x));
    if (carries(n)) onPath.push(i);
  }
  const unsupported = onPath.filter((i) => !rules[opKey(nodes[i])]);
  if (unsupported.length) {
    const inside = (n: NodeProto) => {
      const read = [...new Set(innerReads(n))];
      return read.length ? ` (its subgraph reads ${read.slice(0, 3).map((v) => `"${v}"`).join(', ')})` : '';
    };
    throw new Error(unsupported.reverse().map((i) => `unsupported op "${opKey(nodes[i])}" at node "${nodeName(nodes[i], i)}"${inside(nodes[i])}`).join('; '));
  }

  const taken = new Set([...inputs, ...inits, ...produced]);
  const cot = `grad_${of}`;
  if (taken.has(cot)) throw new Error(`tensor name "${cot}" is already used in the model`);
  taken.add(cot);
  info.set(cot, { dtype: info.get(of)?.dtype ?? 1, dims: info.get(of)?.dims ?? null });
  const e = new Emitter(info, opset, taken);
  for (const n of nodes) {
    for (const o of n.output ?? []) e.producer.set(o, n);
    for (const v of [...(n.input ?? []), ...subgraphInputs(n)]) e.readers.set(v, (e.readers.get(v) ?? 0) + 1);
  }
  for (const o of [...(graph.output ?? []).map((v) => v.name ?? ''), of]) e.readers.set(o, (e.readers.get(o) ?? 0) + 1);
  const contrib = new Map<string, string[]>([[of, [cot]]]);
  const total = (v: string): string | null => {
    const parts = contrib.get(v);
    return parts?.length ? parts.reduce((s, p) => e.op('Add', [s, p])) : null;
  };

  const errors: string[] = [];
  for (const i of onPath) { // already in reverse topological order
    const node = nodes[i];
    const y = node.output ?? [];
    const g = y.map(total);
    if (g.every((v) => v === null)) continue;
    const x = (node.input ?? []).map((v) => v ?? '');
    const wants = (k: number) => !!x[k] && active.has(x[k]);
    const rule = rules[opKey(node)];
    let grads: (string | null)[];
    try {
      grads = rule.grad({ node, x, y, g, e, wants });
    } catch (err) {
      errors.push(`${(err as Error).message} at node "${nodeName(node, i)}"`);
      continue;
    }
    x.forEach((v, k) => {
      const d = grads[k];
      // a float input on the path with no rule-given gradient is refused, never a silent zero
      if ((d === null || d === undefined) && wants(k)) errors.push(`no gradient flows to input ${k} ("${v}") at node "${nodeName(node, i)}"`);
      if (!d || !wants(k)) return;
      const parts = contrib.get(v) ?? [];
      parts.push(rule.broadcast ? unbroadcast(e, d, v) : d);
      contrib.set(v, parts);
    });
  }
  if (errors.length) throw new Error(errors.join('; '));

  const outputs: string[] = [];
  for (const w of wrt) {
    const name = `grad_${w}`;
    if (taken.has(name)) throw new Error(`tensor name "${name}" is already used in the model`);
    const s = total(w) ?? e.zerosLike(w);
    e.nodes.push({ opType: 'Identity', input: [s], output: [name], name, attribute: [] });
    info.set(name, { dtype: info.get(w)!.dtype, dims: info.get(w)!.dims });
    outputs.push(name);
  }
  if (opts.includeOutput !== false && !inputs.includes(of)) outputs.push(of);
  return { nodes: [...nodes, ...e.nodes], inputs: [...inputs, cot], outputs, info };
}

/** Keep only the nodes the outputs need (rules may emit terms nobody asked for). */
export function prune(nodes: NodeProto[], outputs: string[]): NodeProto[] {
  const needed = new Set(outputs);
  const keep: NodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    [...(n.input ?? []), ...subgraphInputs(n)].forEach((x) => x && needed.add(x));
    keep.push(n);
  }
  return keep.reverse();
}

/** Names that If/Loop/Scan bodies read from the enclosing graph (a superset is harmless). */
export function subgraphInputs(n: NodeProto): string[] {
  const graphs = (n.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
  return graphs.flatMap((g) => (g.node ?? []).flatMap((m) => [...(m.input ?? []), ...subgraphInputs(m)]));
}
