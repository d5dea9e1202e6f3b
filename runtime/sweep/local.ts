import type { RuntimeEvent } from '../events';
import type { SweepCell } from './plan';
import { runCell, type CellHost, type CellResult } from './run-cell';

/** How a sweep reports its cells to whoever records them (record.ts) and shows progress. */
export interface SweepHooks {
  onStart?(cell: SweepCell): void;
  onResult(result: CellResult): void;
  onEvent?(cell: SweepCell, event: RuntimeEvent): void;
}

/**
 * Runs cells one after another on one Runtime: its result cache shares everything a cell does
 * not change (the model, an unchanged prompt's encoding), so a seed axis re-runs only what
 * depends on the seed. `cancelled` when `signal` aborts or the runtime is cancelled (Ctrl-C):
 * the cell in progress then leaves nothing.
 */
export async function runSweepLocally(cells: readonly SweepCell[], host: CellHost, out: string, hooks: SweepHooks, signal?: AbortSignal): Promise<'done' | 'cancelled'> {
  for (const cell of cells) {
    // a cancel between two cells finds no run to stop: the sweep stops here
    if (signal?.aborted) return 'cancelled';
    hooks.onStart?.(cell);
    const result = await runCell(host, cell, out, hooks.onEvent && ((event) => hooks.onEvent!(cell, event)));
    if (result === 'cancelled') return 'cancelled';
    hooks.onResult(result);
  }
  return 'done';
}
