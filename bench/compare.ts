import type { Backend } from '../runtime/ort/backend';
import { Session, type HostTensor } from '../runtime/ort/session';
import { measure, report } from './report';

/**
 * wasm against native through the same Session layer or Runtime. Each figure is
 * `<name>.wasm` and `<name>.native` (median wall ms; native's threads make CPU time
 * meaningless here) and `<name>.native_speedup` (wasm / native, from the same run).
 */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternating blocks of runs, so that a shared machine's load drifts both sides alike; returns the medians. */
export async function compare(name: string, runs: Record<'wasm' | 'native', () => Promise<unknown>>, reps: number): Promise<Record<'wasm' | 'native', number>> {
  const times = { wasm: [] as number[], native: [] as number[] };
  for (let block = 0; block < 3; block++) {
    for (const side of ['wasm', 'native'] as const) {
      for (let i = 0; i < 2; i++) await runs[side]();
      for (let i = 0; i < reps; i++) times[side].push((await measure(runs[side], 1, 0)).wall);
    }
  }
  const result = { wasm: median(times.wasm), native: median(times.native) };
  report(`${name}.wasm`, result.wasm, 'ms');
  report(`${name}.native`, result.native, 'ms');
  report(`${name}.native_speedup`, result.wasm / result.native, 'x');
  return result;
}

/**
 * One model's runs on both backends (`backends`: [wasm, native]), with the sessions released
 * afterwards; `<name>.session_create.<backend>` when `createTimes` is set.
 */
export async function compareSessions(
  name: string,
  model: Uint8Array,
  backends: Backend[],
  feeds: Record<string, HostTensor>,
  fetches: string[],
  externalData?: { path: string; data: Uint8Array }[],
  options: { reps?: number; createTimes?: boolean } = {},
): Promise<Record<'wasm' | 'native', number>> {
  const sessions: Session[] = [];
  for (const backend of backends) {
    const start = performance.now();
    sessions.push(await Session.create(name, model, { backend, externalData }));
    if (options.createTimes) report(`${name}.session_create.${backend.name}`, performance.now() - start, 'ms');
  }
  const [wasm, native] = sessions;
  try {
    return await compare(name, { wasm: () => wasm.run(feeds, fetches), native: () => native.run(feeds, fetches) }, options.reps ?? 7);
  } finally {
    await Promise.all(sessions.map((s) => s.dispose()));
  }
}
