import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepCell, SweepPlan } from './plan';
import type { CellResult } from './run-cell';
import type { GainTable } from './gain-table';
import { writeFileInside } from '../host/write-inside';

export const RECORD_FILE = 'sweep.json';
export const RECORD_FORMAT = 'embedding-studio/sweep-result';

export type SweepStatus = 'running' | 'ok' | 'error' | 'cancelled';

/**
 * `<out>/sweep.json`, kept as the cells finish: the plan's cells in grid order, each with its
 * params and, once finished, its status, scores and images. It is the sweep's memory: a
 * submitter started again with the same --out reads it and runs only what is missing. Cells
 * are keyed by id, so a result that arrives twice (a retried queue job) is recorded once.
 */
export class SweepRecord {
  private readonly results = new Map<string, CellResult>();
  private status: SweepStatus = 'running';
  private table?: GainTable;
  private readonly ids: Set<string>;

  private constructor(
    readonly out: string,
    readonly plan: SweepPlan,
    private readonly graph?: string,
  ) {
    this.ids = new Set(plan.cells.map((c) => c.id));
  }

  /** The record in `out`, with what an earlier run of the same cells finished. */
  static open(out: string, plan: SweepPlan, graph?: string): SweepRecord {
    const record = new SweepRecord(out, plan, graph);
    const path = join(out, RECORD_FILE);
    if (existsSync(path)) {
      const dirs = new Map(plan.cells.map((c) => [c.id, c.dir]));
      for (const cell of readCells(path)) {
        const dir = dirs.get(cell.id);
        // a cell whose images are gone (its folder deleted to redo it) is not finished; a failed
        // cell may have no folder (its queue job failed before writing one)
        if (dir && (cell.status === 'error' || (cell.status === 'ok' && existsSync(join(out, dir))))) {
          const { params: _p, coords: _c, ...result } = cell;
          record.results.set(cell.id, { ...result, dir });
        }
      }
    }
    return record;
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  get(id: string): CellResult | undefined {
    return this.results.get(id);
  }

  /** The cells not finished yet, in grid order. */
  pending(): SweepCell[] {
    return this.plan.cells.filter((c) => !this.results.has(c.id));
  }

  /** Cells finished, in grid order. */
  finished(): CellResult[] {
    return this.plan.cells.flatMap((c) => this.results.get(c.id) ?? []);
  }

  /** Records a finished cell and rewrites the file; false (and nothing written) when it is already there. */
  add(result: CellResult): boolean {
    if (this.results.has(result.id) || !this.ids.has(result.id)) return false;
    this.results.set(result.id, result);
    this.write();
    return true;
  }

  finish(status: SweepStatus, table?: GainTable): void {
    this.status = status;
    this.table = table;
    this.write();
  }

  counts() {
    const done = this.finished();
    const ok = done.filter((r) => r.status === 'ok').length;
    return { cells: this.plan.cells.length, ok, error: done.length - ok, pending: this.plan.cells.length - done.length };
  }

  /** Written whole to a temporary file and renamed: a reader (or a crash) never sees half a file. */
  write(): void {
    const body = {
      format: RECORD_FORMAT,
      version: 1,
      ...(this.graph ? { graph: this.graph } : {}),
      status: this.status,
      counts: this.counts(),
      axes: this.plan.axes.map((a) => ({ param: a.param, values: a.values })),
      cells: this.plan.cells.map((cell) => {
        const result = this.results.get(cell.id);
        const { id: _id, dir: _dir, ...finished } = result ?? { status: 'pending' as const };
        return { id: cell.id, dir: cell.dir, params: cell.params, coords: cell.coords, ...finished };
      }),
      ...(this.table ? { table: this.table } : {}),
    };
    writeFileInside(this.out, RECORD_FILE, `${JSON.stringify(body, null, 2)}\n`);
  }
}

type RecordedCell = CellResult & { params?: unknown; coords?: unknown };

/** The cells of an earlier sweep.json; a file that is not one (hand-edited, foreign) counts as none. */
function readCells(path: string): RecordedCell[] {
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; cells?: unknown };
    if (body.format !== RECORD_FORMAT || !Array.isArray(body.cells)) return [];
    return body.cells.filter((c): c is RecordedCell => typeof c?.id === 'string');
  } catch {
    return [];
  }
}
