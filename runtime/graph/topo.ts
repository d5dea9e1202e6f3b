/**
 * Orders `ids` so every node comes after its dependencies (those outside `ids` are ignored).
 * Ties keep the given order, so plans are stable. Nodes on a cycle are left out; callers
 * have already rejected cycles (see cycles.ts).
 */
export function topoOrder(ids: readonly string[], deps: (id: string) => Iterable<string>): string[] {
  const members = new Set(ids);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of ids) {
    let count = 0;
    for (const dep of new Set(deps(id))) {
      if (!members.has(dep) || dep === id) continue;
      count++;
      let list = dependents.get(dep);
      if (!list) dependents.set(dep, (list = []));
      list.push(id);
    }
    waiting.set(id, count);
  }
  const position = new Map(ids.map((id, i) => [id, i]));
  const ready = ids.filter((id) => waiting.get(id) === 0);
  const order: string[] = [];
  // A stack of ready nodes visited in document order; simple and O(n + e) for stable plans.
  ready.reverse();
  while (ready.length > 0) {
    const id = ready.pop()!;
    order.push(id);
    const released: string[] = [];
    for (const next of dependents.get(id) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) released.push(next);
    }
    released.sort((x, y) => position.get(y)! - position.get(x)!);
    ready.push(...released);
  }
  return order;
}
