/**
 * Finds cycles among `ids` given each node's successors. Returns one representative cycle
 * (as a closed path of ids) per tangle, for error messages; empty when the graph is acyclic.
 */
export function findCycles(ids: readonly string[], next: (id: string) => Iterable<string>): string[][] {
  const succ = new Map(ids.map((id) => [id, [...new Set(next(id))]]));
  const pred = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const [id, outs] of succ) for (const n of outs) pred.get(n)?.add(id);

  // Peel nodes with no predecessors or no successors left: what remains lies on or between cycles.
  const alive = new Set(ids);
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (!alive.has(id)) continue;
    const hasIn = [...pred.get(id)!].some((p) => alive.has(p));
    const hasOut = succ.get(id)!.some((n) => alive.has(n));
    if (hasIn && hasOut) continue;
    alive.delete(id);
    queue.push(...pred.get(id)!, ...succ.get(id)!);
  }

  const cycles: string[][] = [];
  const reported = new Set<string>();
  for (const start of ids) {
    if (!alive.has(start) || reported.has(start)) continue;
    // Walk forward inside the remainder until a node repeats: that stretch is a cycle.
    const path: string[] = [];
    const at = new Map<string, number>();
    let id: string | undefined = start;
    while (id !== undefined && !at.has(id) && !reported.has(id)) {
      at.set(id, path.length);
      path.push(id);
      id = succ.get(id)!.find((n) => alive.has(n));
    }
    if (id === undefined || reported.has(id)) continue;
    const cycle = path.slice(at.get(id)!);
    for (const n of cycle) reported.add(n);
    cycles.push([...cycle, id]);
  }
  return cycles;
}
