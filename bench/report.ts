/** One benchmark figure as a JSON line on stdout: {"name":..,"value":..,"unit":..}. */
export function report(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit }));
}

export interface Timing {
  /** Median wall time, ms. */
  wall: number;
  /** Median CPU time of this process, ms: steadier than wall time on a shared machine. */
  cpu: number;
}

/** Times `reps` calls of `fn` (after `warmup` unmeasured calls). */
export async function measure(fn: () => unknown, reps = 21, warmup = 5): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const usage = process.cpuUsage();
    const start = performance.now();
    await fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(usage);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: median(wall), cpu: median(cpu) };
}

/** Reports a timing as two lines: `<name>` (wall ms) and `<name>.cpu` (CPU ms). */
export async function reportTiming(name: string, fn: () => unknown): Promise<Timing> {
  const t = await measure(fn);
  report(name, t.wall, 'ms');
  report(`${name}.cpu`, t.cpu, 'ms');
  return t;
}
