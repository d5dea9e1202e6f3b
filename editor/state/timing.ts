import type { NodeRun, RunState } from './run-state';

/** How long something has run, how far it is, and about how long it has left (when that can be told). */
export interface Timing {
  elapsedMs: number;
  /** 0..1, when progress is reported. */
  fraction?: number;
  etaMs?: number;
}

/**
 * A running node's timing. The rate comes from its progress reports since the first one (so a
 * model load before the first step does not count), or from its start when there was only one.
 */
export function nodeTiming(run: NodeRun | undefined, now: number): Timing | undefined {
  if (!run || run.status !== 'running' || run.startedAt === undefined) return undefined;
  const elapsedMs = Math.max(0, now - run.startedAt);
  const p = run.progress;
  if (!p || !(p.max > 0)) return { elapsedMs };
  const fraction = Math.min(1, Math.max(0, p.value / p.max));
  const left = p.max - p.value;
  let perUnit: number | undefined;
  if (p.first && p.at !== undefined && p.value > p.first.value) perUnit = (p.at - p.first.at) / (p.value - p.first.value);
  else if (p.value > 0) perUnit = elapsedMs / p.value;
  if (perUnit === undefined) return { elapsedMs, fraction };
  const sinceReport = p.at !== undefined ? Math.max(0, now - p.at) : 0;
  return { elapsedMs, fraction, etaMs: Math.max(0, perUnit * left - sinceReport) };
}

const finished = (n: NodeRun | undefined) => !!n && (n.status === 'done' || n.status === 'cached' || n.status === 'error');

/**
 * The whole run: units (nodes outside zone bodies) finished, plus the running one's share. Time
 * left is the running unit's ETA plus, for each unit not started yet, the median time of the
 * units this run executed (cached ones cost nothing and are left out of that median). Unknown
 * while the running unit cannot tell its own.
 */
export function runTiming(run: RunState, now: number): Timing | undefined {
  if (run.startedAt === undefined || !run.planned?.length) return undefined;
  const end = run.running ? now : (run.endedAt ?? now);
  const elapsedMs = Math.max(0, end - run.startedAt);
  const units = run.planned;
  let done = 0;
  let current: Timing | undefined;
  const executed: number[] = [];
  let waiting = 0;
  for (const id of units) {
    const n = run.nodes[id];
    if (finished(n)) {
      done++;
      if (n!.status === 'done' && n!.ms !== undefined) executed.push(n!.ms);
    } else if (n?.status === 'running') current = nodeTiming(n, now);
    else waiting++;
  }
  const fraction = Math.min(1, (done + (current?.fraction ?? 0)) / units.length);
  if (!run.running) return { elapsedMs, fraction: run.lastStatus === 'ok' ? 1 : fraction };
  if (current && current.etaMs === undefined) return { elapsedMs, fraction };
  // with nothing executed yet to go by, units still waiting are counted as quick
  return { elapsedMs, fraction, etaMs: (current?.etaMs ?? 0) + waiting * (median(executed) ?? 0) };
}

function median(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "8 s", "2:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
