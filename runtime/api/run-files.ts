import { writeFileInside } from '../host/write-inside';
import type { RunSummary, RuntimeEvent } from '../events';

/**
 * The files a run leaves in its folder, as `graph run` writes them, for every sweep cell:
 * `<nodeId>-<index>.png` per Preview image, `<nodeId>.history.json` per zone (its objective
 * per step) and `run.json` (the summary), all through writeFileInside (nothing leaves the
 * folder). Feed it the run's events, then `finish`.
 */
export class RunFiles {
  private readonly history = new Map<string, { goal?: 'minimize' | 'maximize'; values: number[] }>();
  /** The PNG files written, by name. */
  readonly images: string[] = [];
  /** Why a preview could not be written: the run then counts as failed. */
  readonly refused: string[] = [];

  constructor(readonly dir: string) {}

  readonly onEvent = (event: RuntimeEvent): void => {
    if (event.type === 'node-preview') {
      event.images.forEach((image, i) => {
        const name = `${event.nodeId}-${i}.png`;
        try {
          writeFileInside(this.dir, name, image.png);
          if (!this.images.includes(name)) this.images.push(name);
        } catch (error) {
          // thrown from a listener, the runtime would drop it
          this.refused.push((error as Error).message);
        }
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
      writeFileInside(this.dir, `${nodeId}.history.json`, `${JSON.stringify({ goal: goal ?? 'minimize', values })}\n`);
    }
    writeFileInside(this.dir, 'run.json', `${JSON.stringify(summary, null, 2)}\n`);
  }
}
