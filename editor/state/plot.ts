/** The loss plot's content, apart from drawing: ranges, ticks, the best step, and what "better" means. */

export type Goal = 'minimize' | 'maximize';
export interface PlotPoint {
  step: number;
  objective: number;
  goal?: Goal;
}

export interface PlotModel {
  /** The y range, padded so the curve does not touch the frame. */
  lo: number;
  hi: number;
  yTicks: number[];
  firstStep: number;
  lastStep: number;
  /** The best point, under the latest goal; absent when the zone hands on its last result. */
  best?: { index: number; step: number; objective: number };
  /** What "better" means: "higher is better" or "lower is better"; empty when the zone did not say. */
  label: string;
  /** Why a curve may run against its goal, when it can. */
  note?: string;
  /**
   * Runs of points scored under one goal, in order: where the goal changes the objective
   * measures something else, so the plot marks the change and says per stage which way is better.
   */
  stages: PlotStage[];
}

export interface PlotStage {
  fromStep: number;
  toStep: number;
  goal?: Goal;
  /** "↑ better" or "↓ better"; empty when the zone did not say. */
  arrow: string;
}

const arrowOf = (goal: Goal | undefined) => (goal === 'maximize' ? '↑ better' : goal === 'minimize' ? '↓ better' : '');

/** Consecutive points with the same goal, as stages. */
export function plotStages(history: readonly PlotPoint[]): PlotStage[] {
  const stages: PlotStage[] = [];
  for (const p of history) {
    const last = stages[stages.length - 1];
    if (last && last.goal === p.goal) last.toStep = p.step;
    else stages.push({ fromStep: p.step, toStep: p.step, goal: p.goal, arrow: arrowOf(p.goal) });
  }
  return stages;
}

/**
 * `result` is the zone's result param: with "last" the zone hands on its final step because its
 * objective moves over the run (seed-invariant's curriculum adds harder seeds each iteration, so
 * its cosine falls while every step raises it): no best marker then, and the label says so.
 */
export function plotModel(history: readonly PlotPoint[], options: { result?: unknown } = {}): PlotModel | undefined {
  if (!history.length) return undefined;
  const ys = history.map((p) => p.objective);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const goal = history[history.length - 1].goal;
  const moving = options.result === 'last';
  const first = history[0].objective;
  const last = history[history.length - 1].objective;
  const against = goal === 'maximize' ? last < first : goal === 'minimize' ? last > first : false;
  const direction = goal === 'maximize' ? 'higher' : goal === 'minimize' ? 'lower' : '';
  // a moving objective (a curriculum) is better per step, not over the run: a falling curve
  // under "maximize" is the task getting harder, so the label must not read as a failed climb
  const label = !direction ? '' : moving ? `each step: ${direction} is better` : `${direction} is better`;
  let best: PlotModel['best'];
  if (goal && !moving) {
    history.forEach((p, index) => {
      // points scored under another goal measured something else
      if ((p.goal ?? goal) !== goal || !Number.isFinite(p.objective)) return;
      if (!best || (goal === 'maximize' ? p.objective > best.objective : p.objective < best.objective)) best = { index, step: p.step, objective: p.objective };
    });
  }
  const note = moving
    ? `the objective gets harder over the run, so the last step is used${against ? `; the curve ${goal === 'maximize' ? 'falls' : 'rises'} as it does` : ''}`
    : undefined;
  return {
    lo,
    hi,
    yTicks: [hi - pad, (lo + hi) / 2, lo + pad],
    firstStep: history[0].step,
    lastStep: history[history.length - 1].step,
    best,
    label,
    note,
    stages: plotStages(history),
  };
}

/** The index of the point nearest to `step` (for hover). */
export function nearestIndex(history: readonly PlotPoint[], step: number): number {
  let best = 0;
  history.forEach((p, i) => {
    if (Math.abs(p.step - step) < Math.abs(history[best].step - step)) best = i;
  });
  return best;
}

/**
 * Short tick text with enough digits to tell ticks `spacing` apart (an objective that moves in
 * its fifth digit gets five), exponent form for very large or small values.
 */
export function tickText(v: number, spacing = Math.abs(v)): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = Math.min(8, Math.max(2, Math.ceil(Math.log10(a / (spacing || a))) + 2));
  return a >= 1e5 || a < 1e-3 ? v.toExponential(Math.max(1, digits - 1)) : Number(v.toPrecision(digits)).toString();
}
