import { describe, expect, it } from 'vitest';
import { plotModel, plotStages } from '../../editor/state/plot';

describe('loss plot stages', () => {
  it('splits the history where the goal changes and says per stage which way is better', () => {
    const history = [
      { step: 0, objective: 1, goal: 'minimize' as const },
      { step: 1, objective: 0.5, goal: 'minimize' as const },
      { step: 2, objective: 0.2, goal: 'maximize' as const },
      { step: 3, objective: 0.4, goal: 'maximize' as const },
      { step: 4, objective: 0.3, goal: 'minimize' as const },
    ];
    expect(plotStages(history)).toEqual([
      { fromStep: 0, toStep: 1, goal: 'minimize', arrow: '↓ better' },
      { fromStep: 2, toStep: 3, goal: 'maximize', arrow: '↑ better' },
      { fromStep: 4, toStep: 4, goal: 'minimize', arrow: '↓ better' },
    ]);
    // the best is judged under the latest goal only: step 1's 0.5 was scored as something else
    expect(plotModel(history)!.best).toEqual({ index: 4, step: 4, objective: 0.3 });
  });

  it('one goal throughout is one stage, and no goal gives no arrow', () => {
    expect(plotStages([{ step: 0, objective: 1 }, { step: 1, objective: 2 }])).toEqual([{ fromStep: 0, toStep: 1, goal: undefined, arrow: '' }]);
  });

  it('a curriculum (result "last") under "maximize" that rises is not called falling', () => {
    const rising = [0.5, 0.6, 0.7].map((objective, step) => ({ step, objective, goal: 'maximize' as const }));
    const m = plotModel(rising, { result: 'last' })!;
    expect(m.label).toBe('each step: higher is better');
    expect(m.note).not.toMatch(/falls/);
    const falling = [0.7, 0.6, 0.5].map((objective, step) => ({ step, objective, goal: 'maximize' as const }));
    expect(`${plotModel(falling, { result: 'last' })!.label} ${plotModel(falling, { result: 'last' })!.note}`).not.toMatch(/maximize/);
  });
});
