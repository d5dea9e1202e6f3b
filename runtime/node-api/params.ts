import { z } from 'zod';

/**
 * Param specs: one declaration gives the default, the bounds, the docs, the editor widget and
 * the zod schema that validates a document's params.
 */
interface ParamBase {
  doc: string;
  label?: string;
}
export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min?: number;
  max?: number;
  step?: number;
  integer?: boolean;
  /** Editor hint: show a slider between min and max. */
  slider?: boolean;
  /**
   * Editor hint: `value` stands for "automatic" (e.g. 0: the model's native size); the field shows
   * it empty with `label` as its placeholder, and clearing the field sets `value` again.
   */
  auto?: { value: number; label: string };
}
export interface StringParam extends ParamBase {
  kind: 'string';
  default: string;
  multiline?: boolean;
}
export interface EnumParam extends ParamBase {
  kind: 'enum';
  options: readonly string[];
  default: string;
}
export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}
/** A list of numbers: t values, seeds, token rows. A document may give a bare number for a one-item list. */
export interface NumberListParam extends ParamBase {
  kind: 'numberList';
  default: number[];
  min?: number;
  max?: number;
  integer?: boolean;
  minLength?: number;
  maxLength?: number;
}
export type ParamSpec = NumberParam | StringParam | EnumParam | BooleanParam | NumberListParam;
export type ParamSpecs = Record<string, ParamSpec>;

export type ParamValue<S extends ParamSpec> = S extends NumberParam
  ? number
  : S extends StringParam
    ? string
    : S extends EnumParam
      ? string
      : S extends BooleanParam
        ? boolean
        : number[];
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ParamValue<P[K]> };

function numberSchema(spec: { min?: number; max?: number; integer?: boolean }): z.ZodNumber {
  let s = z.number().finite();
  if (spec.integer) s = s.int();
  if (spec.min !== undefined) s = s.min(spec.min);
  if (spec.max !== undefined) s = s.max(spec.max);
  return s;
}

const schemas = new WeakMap<ParamSpec, z.ZodType>();

/** The zod schema for one param value (without its default: validation reports what was given). */
export function paramSchema(spec: ParamSpec): z.ZodType {
  // Built once per spec: validation asks for it once per param of every node.
  let schema = schemas.get(spec);
  if (!schema) schemas.set(spec, (schema = buildSchema(spec)));
  return schema;
}

function buildSchema(spec: ParamSpec): z.ZodType {
  switch (spec.kind) {
    case 'number':
      return numberSchema(spec);
    case 'string':
      return z.string();
    case 'enum':
      return z.enum(spec.options as [string, ...string[]]);
    case 'boolean':
      return z.boolean();
    case 'numberList': {
      let s = z.array(numberSchema(spec));
      if (spec.minLength !== undefined) s = s.min(spec.minLength);
      if (spec.maxLength !== undefined) s = s.max(spec.maxLength);
      return z.preprocess((v) => (typeof v === 'number' ? [v] : v), s);
    }
  }
}

/** Params as given in a document, completed with defaults. Assumes they were validated. */
export function withDefaults<P extends ParamSpecs>(specs: P, given: Record<string, unknown>): ParamValues<P> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    // own properties only: `given` comes from a document, `"constructor" in {}` is true
    const value = Object.hasOwn(given, name) ? given[name] : structuredClone(spec.default);
    // "t": 0.5 and "t": [0.5] mean the same; nodes always see the list.
    out[name] = spec.kind === 'numberList' && typeof value === 'number' ? [value] : value;
  }
  return out as ParamValues<P>;
}
