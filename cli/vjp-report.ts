// `npm run vjp -- ... --report --shape name=2x4x64x64,...`: the gradient model's static memory
// plan at those input shapes (runtime/autodiff/memory-plan.ts), printed as a few lines.
import { loadModel } from '../runtime/onnx/index';
import { concreteInfo, planMemory } from '../runtime/autodiff/memory-plan';

/** WebGPU's default maxStorageBufferBindingSize: the largest buffer one binding may hold. */
const WEBGPU_BINDING = 128 * 2 ** 20;

/** "sample=2x4x64x64,timestep=1" -> { sample: [2, 4, 64, 64], timestep: [1] }; "x=" is a scalar. */
export function parseShapes(spec: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=([0-9x]*)$/.exec(part);
    if (!m) throw new Error(`--shape: "${part}" is not name=AxBxC`);
    out[m[1]] = m[2] ? m[2].split('x').map((d) => {
      if (!/^\d+$/.test(d)) throw new Error(`--shape: "${part}" has an empty dim`);
      return Number(d);
    }) : [];
  }
  return out;
}

const mb = (b: number) => {
  const [unit, scale] = b >= 2 ** 30 ? ['GiB', 2 ** 30] : b >= 2 ** 20 ? ['MiB', 2 ** 20] : b >= 1024 ? ['KiB', 1024] : ['B', 1];
  return scale === 1 ? `${b} B` : `${(b / scale).toFixed(1)} ${unit}`;
};

/** The report's lines. The cotangent grad_<of> takes of's shape unless --shape gives one. */
export function memoryReport(model: Uint8Array, shapes: Record<string, number[]>, of: string): string[] {
  const m = loadModel(model);
  const cot = `grad_${of}`;
  const all = { ...shapes };
  if (!all[cot]) {
    const dims = concreteInfo(m, shapes).get(of)?.dims;
    if (dims?.every((d) => typeof d === 'number')) all[cot] = dims as number[];
  }
  const missing = (m.graph?.input ?? []).map((v) => v.name ?? '').filter((n) => !all[n]
    && (m.graph?.input?.find((v) => v.name === n)?.type?.tensorType?.shape?.dim ?? []).some((d) => d.dimValue === undefined || d.dimValue === null));
  // the cotangent follows from the others when they are given
  const named = missing.length > 1 ? missing.filter((n) => n !== cot) : missing;
  if (named.length) throw new Error(`--report needs --shape for ${named.join(', ')}`);
  const p = planMemory(m, all);
  const lines = [
    `memory plan at ${Object.entries(all).map(([k, d]) => `${k}=${d.join('x')}`).join(', ')}:`,
    `  peak live activations: ${mb(p.peakBytes)} (${p.peakBytes} bytes, at node "${p.peakNode}")`,
    `  weights: ${mb(p.weightBytes)} (${p.weightBytes} bytes)`,
    `  largest tensor: ${mb(p.largest.bytes)} "${p.largest.tensor}" (${p.largest.op} "${p.largest.node}")${p.largest.bytes > WEBGPU_BINDING ? ', over WebGPU\'s default 128 MiB binding limit' : ''}`,
    '  biggest at the peak, by node:',
    ...p.top.map((t) => `    ${mb(t.bytes).padStart(11)}  ${t.op} "${t.node}"`),
  ];
  if (p.unsized.length) lines.push(`  ${p.unsized.length} values of unknown size counted as 0 (first: ${p.unsized[0]})`);
  return lines;
}
