import type { RunContext, ZoneRuntime } from '../node-api/node';

/** The scheduler's seam for a zone owner, or a clear error when something ran it as a plain node. */
export function zoneOf(ctx: RunContext): ZoneRuntime {
  if (!ctx.zone) throw new Error('runs only as a zone owner (the scheduler gives it its body)');
  return ctx.zone;
}

const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** True when the run was cancelled: the zone stops and keeps what it has (docs/design.md#zones). */
export const cancelled = (ctx: RunContext, error: unknown): boolean => ctx.signal.aborted || (isAbort(error) && !ctx.zone?.stop.aborted);

/**
 * True when a person stopped this zone ("Stop and use best") and `error` (if any) is the abort
 * that ended the iteration in progress: the zone returns its best so far and the run goes on.
 * A cancelled run is not a stop: cancel wins.
 */
export const stopRequested = (ctx: RunContext, error?: unknown): boolean =>
  !ctx.signal.aborted && !!ctx.zone?.stop.aborted && (error === undefined || isAbort(error));
