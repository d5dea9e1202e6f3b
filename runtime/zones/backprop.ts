import type { BodyRun, Gradients, RunContext } from '../node-api/node';
import type { Tensor } from '../values/types';
import { yieldToHost } from '../host/yield';

/** Adds `g` into the accumulator slot (a value used twice gets the sum of both gradients). */
function accumulate(into: Map<string, Tensor>, port: string, g: Tensor): void {
  const have = into.get(port);
  if (!have) {
    into.set(port, { dims: [...g.dims], data: g.data.slice() });
    return;
  }
  if (have.data.length !== g.data.length) throw new Error(`gradient for "${port}" has ${g.data.length} values, expected ${have.data.length}`);
  for (let i = 0; i < g.data.length; i++) have.data[i] += g.data[i];
}

/**
 * Reverse-mode pass over one body run: seeds the gradient of a loop input (`loss`), then calls
 * each body node's `vjp` in reverse run order, routing input gradients to the nodes (and
 * ports) that produced those inputs. Returns d(objective)/d(zone output `port`).
 */
export async function backpropagate(
  run: BodyRun,
  zoneId: string,
  gradientPath: ReadonlySet<string>,
  seed: { loopInput: string; grad: Tensor },
  port = 'current',
  /** handed to each body node's vjp in its context (GradientStep's memory budget) */
  gradient?: RunContext['gradient'],
): Promise<Tensor | undefined> {
  const grads = new Map<string, Map<string, Tensor>>();
  const slot = (id: string) => grads.get(id) ?? grads.set(id, new Map()).get(id)!;
  const source = run.loopSources[seed.loopInput];
  if (!source) throw new Error(`zone input "${seed.loopInput}" is not connected`);
  accumulate(slot(source.nodeId), source.port, seed.grad);
  for (const id of [...run.nodes.keys()].reverse()) {
    const outGrads = grads.get(id);
    if (!outGrads || !gradientPath.has(id)) continue;
    const node = run.nodes.get(id)!;
    if (!node.def.vjp) throw new Error(`node "${id}" (${node.def.type}) has no vjp`);
    // a turn of the host's loop between units, so a cancel sent meanwhile is seen (host/yield.ts)
    await yieldToHost();
    node.ctx.signal.throwIfAborted();
    const gradOutputs: Gradients = Object.fromEntries(outGrads);
    const params = node.params as Parameters<typeof node.def.vjp>[2];
    const inGrads = await node.def.vjp(gradient ? { ...node.ctx, gradient } : node.ctx, node.inputs, params, node.outputs, gradOutputs);
    for (const [inPort, g] of Object.entries(inGrads)) {
      const from = node.sources[inPort];
      // Only gradients that lead back to the zone matter; inputs from outside are constants.
      if (!g || !from || (from.nodeId !== zoneId && !gradientPath.has(from.nodeId))) continue;
      accumulate(slot(from.nodeId), from.port, g);
    }
  }
  return grads.get(zoneId)?.get(port);
}
