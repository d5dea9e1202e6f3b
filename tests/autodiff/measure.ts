// The real peak memory of one onnxruntime-node run, measured in a fresh process
// (tests/autodiff/measure-peak.mjs), for the memory-plan and rematerialization checks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** onnxruntime-node's real peak over one run; `files`: external data locations -> files. */
export function measure(model: Uint8Array, feeds: Record<string, { dtype: string; dims: number[] }>, files: Record<string, string> = {}): number {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  writeFileSync(join(dir, 'm.onnx'), model);
  writeFileSync(join(dir, 'feeds.json'), JSON.stringify({ feeds }));
  const data = Object.entries(files).map(([k, f]) => `${k}=${f}`);
  const out = execFileSync('node', ['--expose-gc', join(ROOT, 'tests/autodiff/measure-peak.mjs'), join(dir, 'm.onnx'), join(dir, 'feeds.json'), ...data], {
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' },
  });
  rmSync(dir, { recursive: true, force: true });
  return (JSON.parse(out.toString().trim().split('\n').pop()!) as { peakBytes: number }).peakBytes;
}

