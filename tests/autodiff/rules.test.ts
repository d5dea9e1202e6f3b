// Every rule in the table has at least one finite-difference check, and every check passes.
import { describe, expect, it } from 'vitest';
import { rules } from '../../runtime/autodiff/index';
import { shapeRules } from '../../runtime/autodiff/shapes';
import { checkCase, type Case } from './harness';
import { elementwiseCases } from './cases-elementwise';
import { shapeCases } from './cases-shape';
import { nnCases } from './cases-nn';
import { patternCases } from './cases-patterns';
import { activationCases } from './cases-activation';
import { poolCases } from './cases-pool';
import { indexCases } from './cases-index';
import { upgradeCases } from './cases-upgrade';

const cases: Case[] = [...elementwiseCases, ...shapeCases, ...nnCases, ...patternCases, ...activationCases, ...poolCases, ...indexCases, ...upgradeCases];

describe('gradient rules', () => {
  it('every rule in the table has a finite-difference case', () => {
    const missing = Object.keys(rules).filter((op) => !cases.some((c) => c.op === op));
    expect(missing).toEqual([]);
  });

  it('the shape table mirrors the rule table: every differentiable op has a shape rule', () => {
    expect(Object.keys(rules).filter((op) => !(op in shapeRules))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const r = await checkCase(c);
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxErr).toBeLessThanOrEqual(1);
  });
});
