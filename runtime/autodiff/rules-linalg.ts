// Gradient rules for MatMul, Gemm and Einsum.
import { float } from '../onnx/index';
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attr, attrInt, attrStr } from './node-attrs';
import { unbroadcast } from './unbroadcast';

const swapLast = (e: Emitter, t: string) => {
  const r = e.rank(t);
  return e.transpose(t, [...Array(r - 2).keys(), r - 1, r - 2]);
};

/** Batched, broadcasting MatMul; 1-D operands are lifted to matrices as numpy does. The driver unbroadcasts. */
export function matmulGrad({ g, x, e, wants }: RuleArgs): Grads {
  const [ra, rb] = [e.rank(x[0]), e.rank(x[1])];
  const a = ra === 1 ? e.unsqueeze(x[0], [0]) : x[0];
  const b = rb === 1 ? e.unsqueeze(x[1], [1]) : x[1];
  let gg = g[0]!;
  if (ra === 1 && rb === 1) gg = e.op('Reshape', [gg, e.ints([1, 1])]);
  else if (ra === 1) gg = e.unsqueeze(gg, [-2]);
  else if (rb === 1) gg = e.unsqueeze(gg, [-1]);
  // drop the lifted unit axes again before the driver unbroadcasts the batch axes
  const da = !wants(0) ? null : ra === 1 ? e.op('Squeeze', [e.op('MatMul', [gg, swapLast(e, b)]), e.ints([-2])]) : e.op('MatMul', [gg, swapLast(e, b)]);
  const db = !wants(1) ? null : rb === 1 ? e.op('Squeeze', [e.op('MatMul', [swapLast(e, a), gg]), e.ints([-1])]) : e.op('MatMul', [swapLast(e, a), gg]);
  return [da, db];
}

export function gemmGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const tA = attrInt(node, 'transA', 0);
  const tB = attrInt(node, 'transB', 0);
  const alpha = float(Number(attr(node, 'alpha') ?? 1));
  const beta = Number(attr(node, 'beta') ?? 1);
  const G = g[0]!;
  const da = !wants(0) ? null : tA
    ? e.op('Gemm', [x[1], G], { alpha, transA: tB, transB: 1 })
    : e.op('Gemm', [G, x[1]], { alpha, transB: tB ? 0 : 1 });
  const db = !wants(1) ? null : tB
    ? e.op('Gemm', [G, x[0]], { alpha, transA: 1, transB: tA })
    : e.op('Gemm', [x[0], G], { alpha, transA: tA ? 0 : 1 });
  let dc: string | null = null;
  if (x[2] && wants(2)) dc = unbroadcast(e, beta === 1 ? G : e.op('Mul', [G, e.scalar(beta, G)]), x[2]);
  return [da, db, dc];
}

/** d(operand k) = einsum(out, other operands -> operand k); letters summed inside operand k alone are expanded back. */
export function einsumGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const eq = attrStr(node, 'equation', '').replace(/\s/g, '');
  if (eq.includes('.')) throw new Error('Einsum with ellipsis is not supported');
  const [lhs, given] = eq.split('->');
  const terms = lhs.split(',');
  const counts = new Map<string, number>();
  for (const c of lhs.replace(/,/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out = given ?? [...counts.keys()].filter((c) => counts.get(c) === 1).sort().join('');
  if (terms.some((t) => new Set(t).size !== t.length)) throw new Error('Einsum with a repeated index in one operand is not supported');
  return terms.map((term, k) => {
    if (!wants(k)) return null;
    const others = terms.filter((_, j) => j !== k);
    const avail = new Set(out + others.join(''));
    const kept = [...term].filter((c) => avail.has(c)).join('');
    const r = e.op('Einsum', [g[0]!, ...x.filter((_, j) => j !== k)], { equation: `${[out, ...others].join(',')}->${kept}` });
    if (kept === term) return r;
    const missing = [...term].flatMap((c, i) => (avail.has(c) ? [] : [i]));
    return e.op('Expand', [e.unsqueeze(r, missing), e.shape(x[k])]);
  });
}
