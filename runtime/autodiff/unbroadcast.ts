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

/**
 * Sum over every axis where x (left-padded with 1s to g's rank) has size 1. g gets one more
 * leading axis of size 1, always summed, so the axes are never empty and the ReduceSum needs
 * no noop_with_empty_axes: onnxruntime-web's JSEP WebGPU EP runs a ReduceSum with that flag
 * and run-time axes through a shader it caches by rank and axes but writes the input's dims
 * into, so a second such node of another shape reused the first's loop bounds (wrong sums;
 * tests/autodiff/webgpu-jsep.test.ts). Without the flag it takes its shape-agnostic path.
 */
function dynamicUnbroadcast(e: Emitter, g: string, x: string): string {
  const gShape = e.shape(g);
  const xShape = e.shape(x);
  const missing = e.op('Sub', [e.op('Shape', [gShape]), e.op('Shape', [xShape])]);
  const ones = e.op('Expand', [e.ints([1]), missing]);
  const padded = e.op('Concat', [e.ints([1]), ones, xShape], { axis: 0 });
  const axes = e.op('Reshape', [e.op('NonZero', [e.op('Equal', [padded, e.ints([1])])]), e.ints([-1])]);
  const s = e.op('ReduceSum', [e.unsqueeze(g, [0]), axes], { keepdims: 1 });
  return e.reshapeLike(s, x);
}
