import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricService } from '../../runtime/metrics/service';
import { METRICS } from '../../runtime/metrics';
import { Session } from '../../runtime/ort/session';
import { randomImage } from './reference';

afterEach(() => vi.restoreAllMocks());

describe('MetricService', () => {
  it('owns its measure sessions: dispose() releases them, and a later measure rebuilds', async () => {
    const metrics = new MetricService();
    const image = { dims: [2, 3, 16, 16], data: randomImage(5, 2, 16, 16) };
    const build = () => METRICS.sharpness.build(16, 16);
    const before = await metrics.measure('sharpness:16x16', build, { image });
    await metrics.measureVjp('sharpness:16x16', build, { image }, { dims: [2], data: new Float32Array([1, 1]) });
    const released = vi.spyOn(Session.prototype, 'dispose');
    await metrics.dispose();
    // the forward and the gradient session
    expect(released).toHaveBeenCalledTimes(2);
    const after = await metrics.measure('sharpness:16x16', build, { image });
    expect(Array.from(after)).toEqual(Array.from(before));
    await metrics.dispose();
  });
});
