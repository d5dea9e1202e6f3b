import type { GraphDocument } from '../graph/document';
import { validateGraph } from '../graph/validate';
import { problemFormatter } from '../graph/problems';
import { hashText } from '../executor/keys';
import type { NodeRegistry } from '../node-api/registry';
import { paramSchema, withDefaults, type ParamSpec } from '../node-api/params';
import { seedSetSeeds, type SeedSetParams } from '../rng/seed-set';
import { echo, oneLine, quote } from '../messages';
import type { SweepAxis, SweepRange, SweepValue } from './spec';

/** More cells than this is a typo (`1..1e9`), not a sweep. */
export const MAX_CELLS = 100_000;

export interface PlannedAxis {
  /** `node.param` as given. */
  param: string;
  nodeId: string;
  name: string;
  values: SweepValue[];
}

export interface SweepCell {
  /** Content hash of what the cell runs (nodes, params, edges): the same cell always gets the same id. */
  id: string;
  /** The cell's folder under the sweep's output folder: readable values plus the id. */
  dir: string;
  /** Position on each axis. */
  coords: number[];
  /** The axis values of this cell, by `node.param`. */
  params: Record<string, SweepValue>;
  doc: GraphDocument;
}

export interface SweepPlan {
  axes: PlannedAxis[];
  /** In grid order: the last axis varies fastest. */
  cells: SweepCell[];
}

export interface SweepInput {
  axes: SweepAxis[];
  set?: Record<string, SweepValue>;
}

export type PlanResult = { ok: true; plan: SweepPlan } | { ok: false; problems: string[] };

/** Axes typed with --grid replace the file's axis of the same param, and add the others after them. */
export function mergeAxes(fileAxes: readonly SweepAxis[], gridAxes: readonly SweepAxis[]): SweepAxis[] {
  const byParam = new Map(gridAxes.map((a) => [a.param, a]));
  const merged = fileAxes.map((a) => byParam.get(a.param) ?? a);
  return [...merged, ...gridAxes.filter((a) => !fileAxes.some((f) => f.param === a.param))];
}

/**
 * Expands the axes of a (validated) document into its cells, one per point of the grid. Every
 * value is checked against its param's spec first, so a bad value is refused with a line that
 * names its axis before any cell runs.
 */
export function planSweep(doc: GraphDocument, input: SweepInput, registry: NodeRegistry): PlanResult {
  const problems: string[] = [];
  const base = structuredClone(doc);
  for (const [param, value] of Object.entries(input.set ?? {})) {
    const target = resolveParam(base, param, registry);
    if (typeof target === 'string') problems.push(`set ${quote(param)}: ${target}`);
    else {
      const issue = checkValue(target.spec, value);
      if (issue) problems.push(`set ${quote(param)}: value ${echo(value)}: ${issue}`);
      else target.node.params[target.name] = value;
    }
  }
  if (problems.length) return { ok: false, problems };
  const validation = validateGraph(base, registry);
  if (!validation.ok) return { ok: false, problems: validation.problems.map(problemFormatter(base)) };

  const axes: PlannedAxis[] = [];
  const seen = new Set<string>();
  for (const axis of input.axes) {
    const where = `axis ${quote(axis.param)}`;
    if (seen.has(axis.param)) {
      problems.push(`${where} is given twice`);
      continue;
    }
    seen.add(axis.param);
    const target = resolveParam(base, axis.param, registry);
    if (typeof target === 'string') {
      problems.push(`${where}: ${target}`);
      continue;
    }
    const values = expandAxis(axis, target.spec, base, registry);
    if (typeof values === 'string') {
      problems.push(`${where}: ${values}`);
      continue;
    }
    // the first bad value says what is wrong; a range of 1000 bad ones need not say it 1000 times
    const bad = values.map((value) => ({ value, issue: checkValue(target.spec, value) })).filter((b) => b.issue);
    if (bad.length) problems.push(`${where}: value ${echo(bad[0].value)}: ${bad[0].issue}${bad.length > 1 ? ` (and ${bad.length - 1} more values)` : ''}`);
    axes.push({ param: axis.param, nodeId: target.node.id, name: target.name, values });
  }
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_CELLS) problems.push(`the grid has ${count.toLocaleString('en-US')} cells, more than ${MAX_CELLS.toLocaleString('en-US')}`);
  if (problems.length) return { ok: false, problems: problems.map((p) => oneLine(p)) };
  return { ok: true, plan: { axes, cells: gridCells(base, axes, count) } };
}

function gridCells(base: GraphDocument, axes: PlannedAxis[], count: number): SweepCell[] {
  const cells: SweepCell[] = [];
  for (let index = 0; index < count; index++) {
    const coords: number[] = [];
    let rest = index;
    for (let a = axes.length - 1; a >= 0; a--) {
      coords[a] = rest % axes[a].values.length;
      rest = Math.floor(rest / axes[a].values.length);
    }
    const doc = structuredClone(base);
    const params: Record<string, SweepValue> = {};
    axes.forEach((axis, a) => {
      const value = axis.values[coords[a]];
      params[axis.param] = value;
      doc.nodes.find((n) => n.id === axis.nodeId)!.params[axis.name] = value;
    });
    const id = cellId(doc);
    cells.push({ id, dir: cellDir(axes.map((axis) => params[axis.param]), id), coords, params, doc });
  }
  return cells;
}

/** Hashes what decides the cell's results; node positions, editor state and meta do not. */
export function cellId(doc: GraphDocument): string {
  const nodes = doc.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params }));
  return hashText(stableJson({ nodes, edges: doc.edges }));
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `a-red-circle_3-<id>`: the values as a file-name-safe slug, kept short, then the id. */
function cellDir(values: SweepValue[], id: string): string {
  const slug = values
    .map((v) => String(v).toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24))
    .join('_')
    .slice(0, 60);
  return `${slug ? `${slug}-` : ''}${id.replace(/\./g, '')}`;
}

/** Finds `node.param` (split at the last dot: node ids may hold dots); a string says what is wrong. */
function resolveParam(doc: GraphDocument, param: string, registry: NodeRegistry) {
  const dot = param.lastIndexOf('.');
  if (dot <= 0 || dot === param.length - 1) return 'expected node.param';
  const nodeId = param.slice(0, dot);
  const name = param.slice(dot + 1);
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return `no node ${quote(nodeId)} in the graph`;
  const def = registry.get(node.type);
  const spec = def && Object.hasOwn(def.params, name) ? (def.params[name] as ParamSpec) : undefined;
  if (!spec) return `${quote(node.type).slice(1, -1)} has no param ${quote(name)}`;
  return { node, name, spec };
}

function checkValue(spec: ParamSpec, value: unknown): string | undefined {
  const parsed = paramSchema(spec).safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message ?? 'invalid value';
}

function expandAxis(axis: SweepAxis, spec: ParamSpec, doc: GraphDocument, registry: NodeRegistry): SweepValue[] | string {
  if (axis.range) return expandRange(axis.range, spec);
  if (axis.seedsOf) return seedsOf(axis.seedsOf, spec, doc, registry);
  const values = axis.values ?? [];
  if (!axis.text) return values;
  const out: SweepValue[] = [];
  for (const item of values) {
    const read = readText(String(item), spec, doc, registry);
    if (typeof read === 'string') return read;
    out.push(...read);
  }
  return out;
}

const NUMBER = '[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?';
const NUMBER_RE = new RegExp(`^${NUMBER}$`);
const RANGE_RE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(${NUMBER}))?$`);

/** One `--grid` value read as the param's kind; ranges and `@seedset` give several. */
function readText(text: string, spec: ParamSpec, doc: GraphDocument, registry: NodeRegistry): SweepValue[] | string {
  const item = text.trim();
  switch (spec.kind) {
    case 'number': {
      const range = RANGE_RE.exec(item);
      if (range) return expandRange({ from: Number(range[1]), to: Number(range[2]), step: range[3] ? Number(range[3]) : undefined }, spec);
      if (item.startsWith('@')) return seedsOf(item.slice(1), spec, doc, registry);
      return NUMBER_RE.test(item) ? [Number(item)] : `${echo(text)} is not a number`;
    }
    case 'numberList': {
      if (item.startsWith('@')) return seedsOf(item.slice(1), spec, doc, registry);
      const parts = item.split(',').map((p) => p.trim());
      return parts.every((p) => NUMBER_RE.test(p)) ? [parts.map(Number)] : `${echo(text)} is not a comma-separated list of numbers`;
    }
    case 'boolean':
      return item === 'true' ? [true] : item === 'false' ? [false] : `${echo(text)} is not true or false`;
    default:
      // strings keep their spaces: a prompt is what was typed
      return [text];
  }
}

function expandRange(range: SweepRange, spec: ParamSpec): SweepValue[] | string {
  if (spec.kind !== 'number') return `a range needs a number param, this one is a ${spec.kind}`;
  const step = (range.to >= range.from ? 1 : -1) * (range.step ?? 1);
  const count = Math.floor((range.to - range.from) / step + 1e-9) + 1;
  if (count > MAX_CELLS) return `the range ${range.from}..${range.to} has more than ${MAX_CELLS.toLocaleString('en-US')} values`;
  // rounded to 12 significant digits: 0..1:0.1 gives 0.3, not 0.30000000000000004
  return Array.from({ length: count }, (_, i) => Number((range.from + i * step).toPrecision(12)));
}

/** The seeds a SeedSet node gives, one axis value each. */
function seedsOf(nodeId: string, spec: ParamSpec, doc: GraphDocument, registry: NodeRegistry): SweepValue[] | string {
  if (spec.kind !== 'number' && spec.kind !== 'numberList') return `the seeds of a SeedSet need a number param, this one is a ${spec.kind}`;
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node || node.type !== 'SeedSet') return `no SeedSet node ${quote(nodeId)} in the graph`;
  const def = registry.get('SeedSet');
  if (!def) return 'this registry has no SeedSet';
  const params = withDefaults(def.params, node.params) as unknown as SeedSetParams;
  if (params.mode === 'schedule') return `SeedSet ${quote(nodeId)} draws new seeds every zone step: give it mode list, range or random`;
  const seeds = seedSetSeeds(params);
  return spec.kind === 'number' ? seeds : seeds.map((s) => [s]);
}
