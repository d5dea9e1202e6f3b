// `npm run vjp -- ... --report --shape name=2x4x64x64,...`: the gradient model's static memory
// plan at those input shapes (runtime/autodiff/memory-plan.ts), printed as a few lines.
import { loadModel } from '../runtime/onnx/index';
import { concreteInfo, planMemory } from '../runtime/autodiff/memory-plan';
import type { RematReport } from '../runtime/autodiff/remat';
import { formatBytes, parseBytes } from '../runtime/autodiff/bytes';

export { parseBytes };

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

/** What --memory-budget chose. */
export function budgetLine(r: RematReport, budget: number): string {
  const verdict = r.fits ? 'fits' : `does not fit (the smallest plan found)`;
  return `memory budget ${mb(budget)}: ${r.policy === 'none' ? 'no recomputation' : `recomputes (${r.policy})`}, `
    + `planned peak ${mb(r.unbudgetedPeak)} -> ${mb(r.plan.peakBytes)}, ${verdict}`;
}

const mb = formatBytes;

/** The report's lines. The cotangent grad_<of> takes of's shape unless --shape gives one. */
export function memoryReport(model: Uint8Array, shapes: Record<string, number[]>, of: string): string[] {
  const m = loadModel(model);
  const info = concreteInfo(m, shapes);
  const all = Object.fromEntries((m.graph?.input ?? []).map((v) => [v.name ?? '', info.get(v.name ?? '')?.dims]));
  // the cotangent follows from the others when they are given
  const missing = Object.keys(all).filter((n) => !all[n]?.every((d) => typeof d === 'number'));
  const named = missing.length > 1 ? missing.filter((n) => n !== `grad_${of}`) : missing;
  if (named.length) throw new Error(`--report needs --shape for ${named.join(', ')}`);
  const p = planMemory(m, shapes);
  const lines = [
    `memory plan at ${Object.entries(all).map(([k, d]) => `${k}=${d!.join('x')}`).join(', ')}:`,
    `  peak live activations: ${mb(p.peakBytes)} (${p.peakBytes} bytes, at node "${p.peakNode}")`,
    `  weights: ${mb(p.weightBytes)} (${p.weightBytes} bytes)`,
    `  largest tensor: ${mb(p.largest.bytes)} "${p.largest.tensor}" (${p.largest.op} "${p.largest.node}")${p.largest.bytes > WEBGPU_BINDING ? ', over WebGPU\'s default 128 MiB binding limit' : ''}`,
    '  biggest at the peak, by node:',
    ...p.top.map((t) => `    ${mb(t.bytes).padStart(11)}  ${t.op} "${t.node}"`),
  ];
  if (p.unsized.length) lines.push(`  ${p.unsized.length} values of unknown size counted as 0 (first: ${p.unsized[0]})`);
  return lines;
}
