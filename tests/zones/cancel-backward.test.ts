import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { Runtime } from '../../runtime/api/runtime';
import { Session } from '../../runtime/ort/session';
import { sharpnessZone } from '../runtime/sharpness-zone';

/** A gradient zone whose backward pass walks 8 UNet-VJP steps on the built-in model. */
const STEPS = 8;
const graph = sharpnessZone({ iterations: 3, steps: STEPS, gradientSteps: STEPS });

describe('cancelling during a backward pass', () => {
  const services = nodeServices();
  const runtime = new Runtime({ registry: createProductRegistry(), services });
  afterAll(() => runtime.dispose());
  afterEach(() => vi.restoreAllMocks());

  it('a cancel sent as a separate task (a worker message, a signal) stops it within a UNet step', async () => {
    const run = Session.prototype.run;
    let unetVjpRuns = 0;
    vi.spyOn(Session.prototype, 'run').mockImplementation(function (this: Session, ...args) {
      if (this.file.endsWith('unet/model.onnx (vjp)') && unetVjpRuns++ === 0) {
        // A macrotask, like comlink's message or the CLI's SIGINT: seen only if the pass yields.
        setTimeout(() => void runtime.cancel(), 0);
      }
      return run.apply(this, args);
    });
    const iterations: number[] = [];
    const summary = await runtime.run(graph, {}, (e) => void (e.type === 'zone-iteration' && iterations.push(e.step)));
    expect(summary.status).toBe('cancelled');
    // the zone keeps its best so far (iteration 0) and hands it on
    expect(iterations).toEqual([0]);
    expect(summary.nodes.optimize.status).toBe('ok');
    expect(unetVjpRuns).toBeGreaterThan(0);
    expect(unetVjpRuns).toBeLessThan(3);
  });
});
