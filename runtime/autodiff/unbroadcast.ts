// Undo implicit (numpy) broadcasting: sum a gradient shaped like the op's output back to the
// shape of one input. Static where the shapes are known, computed in the graph otherwise.
import type { Emitter } from './emit';
import { known, sameDim } from './dims';

export function unbroadcast(e: Emitter, g: string, x: string): string {
  const gd = e.dims(g);
  const xd = e.dims(x);
  if (gd && xd && gd.length >= xd.length) {
    const lead = gd.length - xd.length;
    const axes: number[] = [];
    let dynamic = false;
    xd.forEach((d, i) => {
      const o = gd[i + lead];
      if (sameDim(d, o) || (known(d) && d !== 1)) return; // equal, or broadcasting forces equality
      if (d === 1) axes.push(i + lead);
      else dynamic = true;
    });
    if (!dynamic) {
      if (lead === 0 && axes.length === 0) return g;
      const s = e.sum(g, [...Array(lead).keys(), ...axes], true);
      return lead ? e.reshapeLike(s, x) : s;
    }
  }
  return dynamicUnbroadcast(e, g, x);
}

/** Sum over every axis where x (left-padded with 1s to g's rank) has size 1. */
function dynamicUnbroadcast(e: Emitter, g: string, x: string): string {
  const gShape = e.shape(g);
  const xShape = e.shape(x);
  const missing = e.op('Sub', [e.op('Shape', [gShape]), e.op('Shape', [xShape])]);
  const ones = e.op('Expand', [e.ints([1]), missing]);
  const padded = e.op('Concat', [ones, xShape], { axis: 0 });
  const axes = e.op('Reshape', [e.op('NonZero', [e.op('Equal', [padded, e.ints([1])])]), e.ints([-1])]);
  const s = e.op('ReduceSum', [g, axes], { keepdims: 1, noop_with_empty_axes: 1 });
  return e.reshapeLike(s, x);
}
