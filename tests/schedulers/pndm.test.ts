import { describe, expect, it } from 'vitest';
import { createScheduler, resolveSchedulerConfig } from '../../runtime/schedulers/index.js';
import { alphasCumprod } from '../../runtime/schedulers/noise-schedule.js';
import { schedulerKindOf } from '../../runtime/models/model';

/** SD 1.5's scheduler_config.json as diffusers ships it. */
const SD15 = {
  _class_name: 'PNDMScheduler',
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  prediction_type: 'epsilon',
};

/**
 * diffusers' PNDMScheduler.step_plms written out literally, with its counter, `ets` list and
 * `cur_sample`, in float64: the reference the affine form must reproduce.
 */
function referencePlms(config: typeof SD15, steps: number, x0: number[], outputs: (k: number, x: number[]) => number[]) {
  const ac = alphasCumprod(resolveSchedulerConfig('pndm', config));
  const final = config.set_alpha_to_one ? 1 : ac[0]!;
  const ratio = Math.floor(config.num_train_timesteps / steps);
  const base = Array.from({ length: steps }, (_, i) => i * ratio + config.steps_offset);
  const plms = (steps > 1 ? [...base.slice(0, -1), base[steps - 2]!, base[steps - 1]!] : base).reverse();
  const prevSample = (x: number[], t: number, prev: number, m: number[]) => {
    const at = ac[t]!;
    const ap = prev >= 0 ? ac[prev]! : final;
    const denom = at * Math.sqrt(1 - ap) + Math.sqrt(at * (1 - at) * ap);
    return x.map((v, i) => Math.sqrt(ap / at) * v - ((ap - at) * m[i]!) / denom);
  };
  const ets: number[][] = [];
  let cur: number[] | undefined;
  let x = x0;
  const used: number[] = [];
  plms.forEach((t0, counter) => {
    let t = t0;
    let prev = t - ratio;
    const out = outputs(counter, x);
    used.push(t0);
    if (counter !== 1) ets.push(out);
    else {
      prev = t;
      t = t + ratio;
    }
    let m: number[];
    let sample = x;
    const e = (k: number) => ets[ets.length - k]!;
    if (ets.length === 1 && counter === 0) {
      m = out;
      cur = x;
    } else if (ets.length === 1 && counter === 1) {
      m = out.map((v, i) => (v + e(1)[i]!) / 2);
      sample = cur!;
      cur = undefined;
    } else if (ets.length === 2) m = e(1).map((v, i) => (3 * v - e(2)[i]!) / 2);
    else if (ets.length === 3) m = e(1).map((v, i) => (23 * v - 16 * e(2)[i]! + 5 * e(3)[i]!) / 12);
    else m = e(1).map((v, i) => (55 * v - 59 * e(2)[i]! + 37 * e(3)[i]! - 9 * e(4)[i]!) / 24);
    x = prevSample(sample, t, prev, m);
  });
  return { x, timesteps: used };
}

/** A model output that depends on the sample and the step, so a wrong history index shows. */
const fakeOutput = (k: number, x: number[]) => x.map((v, i) => Math.sin(1.3 * v + 0.7 * k + i) + 0.1 * k);

describe('PNDM (PLMS, skip_prk_steps)', () => {
  it.each([1, 2, 3, 4, 5, 7, 20, 50])('%i steps match diffusers step_plms, warm-up and all', (steps) => {
    const x0 = [0.3, -1.2, 0.8, 2.1, -0.4];
    const ref = referencePlms(SD15, steps, x0, fakeOutput);
    const s = createScheduler('pndm', SD15, steps);
    expect(s.steps).toBe(steps === 1 ? 1 : steps + 1);
    expect([...s.timesteps]).toEqual(ref.timesteps);
    const state = s.createState();
    let x = Float32Array.from(x0);
    for (let k = 0; k < s.steps; k++) x = s.step(k, Float32Array.from(fakeOutput(k, [...x])), x, state) as Float32Array<ArrayBuffer>;
    const err = Math.max(...ref.x.map((v, i) => Math.abs(v - x[i]!) / (Math.abs(v) + 1)));
    expect(err).toBeLessThan(1e-4);
  });

  it('repeats the second-to-last inference timestep (4 steps: 751, 501, 501, 251, 1)', () => {
    expect([...createScheduler('pndm', SD15, 4).timesteps]).toEqual([751, 501, 501, 251, 1]);
  });

  it("is what scheduler 'auto' runs for SD 1.5's PNDMScheduler config", () => {
    expect(schedulerKindOf(SD15)).toBe('pndm');
  });
});
