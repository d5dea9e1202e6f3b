import type { RunContext, ZoneRuntime } from '../node-api/node';

/** The scheduler's seam for a zone owner, or a clear error when something ran it as a plain node. */
export function zoneOf(ctx: RunContext): ZoneRuntime {
  if (!ctx.zone) throw new Error('runs only as a zone owner (the scheduler gives it its body)');
  return ctx.zone;
}

/** True when the run was cancelled: the zone stops and keeps what it has (docs/design.md#zones). */
export const cancelled = (ctx: RunContext, error: unknown): boolean =>
  ctx.signal.aborted || (error instanceof Error && error.name === 'AbortError');
