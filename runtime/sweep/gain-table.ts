import type { GainTableSpec, SweepValue } from './spec';
import type { CellResult } from './run-cell';

/** One cell's row: its scores before and after, seed by seed (the held-out protocol). */
export interface GainRow {
  dir: string;
  params: Record<string, SweepValue>;
  seeds: number;
  before: number;
  after: number;
  /** mean(after) − mean(before), signed so that a positive gain is better for `goal`. */
  gain: number;
  /** The gain relative to |mean(before)|. */
  relative: number;
  /** The fraction of seeds whose score got better. */
  improved: number;
}

export interface GainTable {
  before: string;
  after: string;
  goal: 'maximize' | 'minimize';
  rows: GainRow[];
  mean: { gain: number; relative: number; improved: number };
  /** Cells that could not be scored, with why. */
  missing: { dir: string; reason: string }[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The paper's check of an optimized embedding: per cell, the `after` scores (optimized
 * embedding) against the `before` scores (the prompt's own embedding), on the same seeds. The
 * mean row averages the cells' gains, and `improved` counts seeds over all cells.
 */
export function gainTable(spec: GainTableSpec, cells: { params: Record<string, SweepValue>; result?: CellResult }[]): GainTable {
  const sign = spec.goal === 'minimize' ? -1 : 1;
  const rows: GainRow[] = [];
  const missing: GainTable['missing'] = [];
  let improvedSeeds = 0;
  let seeds = 0;
  for (const { params, result } of cells) {
    if (!result) continue;
    const before = result.scores[spec.before];
    const after = result.scores[spec.after];
    const reason =
      result.status !== 'ok' ? (result.message ?? 'the cell failed')
      : !before?.length || !after?.length ? `no scores from ${!before?.length ? spec.before : spec.after}`
      : before.length !== after.length ? `${spec.before} has ${before.length} scores, ${spec.after} ${after.length}`
      : undefined;
    if (reason) {
      missing.push({ dir: result.dir, reason });
      continue;
    }
    const better = after.filter((a, i) => sign * (a - before[i]) > 0).length;
    const gain = sign * (mean(after) - mean(before));
    rows.push({ dir: result.dir, params, seeds: before.length, before: mean(before), after: mean(after), gain, relative: gain / Math.abs(mean(before)), improved: better / before.length });
    improvedSeeds += better;
    seeds += before.length;
  }
  const avg = (pick: (r: GainRow) => number) => (rows.length ? mean(rows.map(pick)) : NaN);
  return { before: spec.before, after: spec.after, goal: spec.goal, rows, mean: { gain: avg((r) => r.gain), relative: avg((r) => r.relative), improved: seeds ? improvedSeeds / seeds : NaN }, missing };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
/** Table cells hold prompts: keep the table a table. */
const cellText = (v: SweepValue) => String(v).replace(/[|\r\n]/g, ' ');

/** The table as Markdown: one row per cell (its axis values, or its folder without axes), then the mean. */
export function gainTableMarkdown(table: GainTable, params: readonly string[]): string {
  const label = (row: GainRow) => (params.length ? params.map((p) => cellText(row.params[p] ?? '')) : [row.dir]);
  const labels = params.length ? [...params] : ['cell'];
  const head = [...labels, 'seeds', `${table.before} (mean)`, `${table.after} (mean)`, 'gain', 'gain %', 'seeds improved'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const row of table.rows) {
    lines.push(`| ${[...label(row), row.seeds, fmt(row.before), fmt(row.after), fmt(row.gain), pct(row.relative), pct(row.improved)].join(' | ')} |`);
  }
  const seeds = table.rows.reduce((n, r) => n + r.seeds, 0);
  lines.push(`| ${[...labels.map((_, i) => (i === 0 ? '**mean**' : '')), seeds, '', '', fmt(table.mean.gain), pct(table.mean.relative), pct(table.mean.improved)].join(' | ')} |`);
  for (const m of table.missing) lines.push('', `not scored: ${m.dir}: ${m.reason}`);
  return `${lines.join('\n')}\n`;
}
