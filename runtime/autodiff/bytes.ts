// Byte counts as people write them (--memory-budget, GradientStep's memoryBudget) and print them.

/** "3000000000", "3e9", "3GB" (10^9), "3GiB" (2^30), "512MiB" ... -> bytes; `what` names the option in the error. */
export function parseBytes(spec: string, what = '--memory-budget'): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(|B|KB|MB|GB|KiB|MiB|GiB)$/i.exec(spec.trim());
  if (!m) throw new Error(`${what}: "${spec}" is not a byte count (e.g. 3GB, 512MiB)`);
  const unit = m[2].toLowerCase();
  const scale = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 }[unit]!;
  return Math.round(Number(m[1]) * scale);
}

/** 1536 -> "1.5 KiB", 3e9 -> "2.8 GiB". */
export function formatBytes(b: number): string {
  const [unit, scale] = b >= 2 ** 30 ? ['GiB', 2 ** 30] : b >= 2 ** 20 ? ['MiB', 2 ** 20] : b >= 1024 ? ['KiB', 1024] : ['B', 1];
  return scale === 1 ? `${b} B` : `${(b / scale).toFixed(1)} ${unit}`;
}
