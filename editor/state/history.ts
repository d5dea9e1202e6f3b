/**
 * Undo history over immutable snapshots. Consecutive pushes with the same `group` within
 * `groupMs` merge into one entry (typing in a prompt is one undo step, not one per key).
 */
export interface HistoryEntry<T> {
  before: T;
  after: T;
  label: string;
  group?: string;
  at: number;
}

export class History<T> {
  private done: HistoryEntry<T>[] = [];
  private undone: HistoryEntry<T>[] = [];

  constructor(
    private readonly limit = 500,
    private readonly groupMs = 1500,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(before: T, after: T, label: string, group?: string): void {
    if (before === after) return;
    const at = this.now();
    const last = this.done[this.done.length - 1];
    this.undone = [];
    if (group && last && last.group === group && at - last.at <= this.groupMs) {
      last.after = after;
      last.at = at;
      return;
    }
    this.done.push({ before, after, label, group, at });
    if (this.done.length > this.limit) this.done.shift();
  }

  /** Ends the current group, so the next edit of the same field starts a new entry. */
  seal(): void {
    const last = this.done[this.done.length - 1];
    if (last) last.group = undefined;
  }

  undo(): HistoryEntry<T> | undefined {
    const entry = this.done.pop();
    if (entry) this.undone.push(entry);
    return entry;
  }

  redo(): HistoryEntry<T> | undefined {
    const entry = this.undone.pop();
    if (entry) this.done.push(entry);
    return entry;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  get undoLabel(): string | undefined {
    return this.done[this.done.length - 1]?.label;
  }

  get redoLabel(): string | undefined {
    return this.undone[this.undone.length - 1]?.label;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
