import { describe, expect, test } from 'vitest';
import { paramSchema, withDefaults, type ParamSpecs } from '../../runtime/node-api/params';

const specs = {
  t: { kind: 'numberList', default: [0.5], minLength: 1, min: 0, max: 1, doc: 'amounts' },
  steps: { kind: 'number', default: 20, min: 1, max: 200, integer: true, doc: 'steps' },
  mode: { kind: 'enum', options: ['a', 'b'], default: 'a', doc: 'mode' },
} satisfies ParamSpecs;

describe('param specs', () => {
  test('a bare number is a one-item list, for validation and for the node', () => {
    expect(paramSchema(specs.t).safeParse(0.25).success).toBe(true);
    expect(withDefaults(specs, { t: 0.25 })).toEqual({ t: [0.25], steps: 20, mode: 'a' });
  });

  test('list items keep their bounds and report the failing index', () => {
    const result = paramSchema(specs.t).safeParse([0.2, 1.5]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual([1]);
    expect(paramSchema(specs.t).safeParse([]).success).toBe(false);
    expect(paramSchema(specs.t).safeParse(-1).success).toBe(false);
  });

  test('numbers check integer and bounds; enums check options', () => {
    expect(paramSchema(specs.steps).safeParse(2.5).success).toBe(false);
    expect(paramSchema(specs.steps).safeParse(0).success).toBe(false);
    expect(paramSchema(specs.steps).safeParse(Number.NaN).success).toBe(false);
    expect(paramSchema(specs.mode).safeParse('c').success).toBe(false);
  });

  test('defaults are copies: editing one node never changes the spec', () => {
    const a = withDefaults(specs, {});
    a.t.push(0.9);
    expect(withDefaults(specs, {}).t).toEqual([0.5]);
  });
});
