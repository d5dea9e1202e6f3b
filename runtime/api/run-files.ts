import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary, RuntimeEvent } from '../events';

/**
 * The files a run leaves in its folder, the same for `graph run` and for every sweep cell:
 * `<nodeId>-<index>.png` per Preview image, `<nodeId>.history.json` per zone (its objective
 * per step) and `run.json` (the summary). Feed it the run's events, then `finish`.
 */
export class RunFiles {
  private readonly history = new Map<string, { goal?: 'minimize' | 'maximize'; values: number[] }>();
  /** The PNG files written, by name. */
  readonly images: string[] = [];

  constructor(readonly dir: string) {}

  readonly onEvent = (event: RuntimeEvent): void => {
    if (event.type === 'node-preview') {
      event.images.forEach((image, i) => {
        const name = `${event.nodeId}-${i}.png`;
        writeFileSync(join(this.dir, name), image.png);
        if (!this.images.includes(name)) this.images.push(name);
      });
    } else if (event.type === 'zone-iteration') {
      let rows = this.history.get(event.nodeId);
      if (!rows) this.history.set(event.nodeId, (rows = { values: [] }));
      rows.goal ??= event.goal;
      rows.values.push(event.objective);
    }
  };

  finish(summary: RunSummary): void {
    for (const [nodeId, { goal, values }] of this.history) {
      writeFileSync(join(this.dir, `${nodeId}.history.json`), `${JSON.stringify({ goal: goal ?? 'minimize', values })}\n`);
    }
    writeFileSync(join(this.dir, 'run.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
