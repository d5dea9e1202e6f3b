import { z } from 'zod';
import { quote } from '../messages';
import { checkDocumentSize, DOCUMENT_LIMITS } from '../graph/limits';

/**
 * The sweep file: which graph to run, which params (`node.param`) to vary and over which
 * values, and what to make of the results. Like the graph document it is data only.
 *
 * ```json
 * { "format": "embedding-studio/sweep", "version": 1, "graph": "text-to-image.json",
 *   "axes": [{ "param": "prompt.text", "values": ["a red circle", "a blue square"] },
 *            { "param": "generate.seed", "range": { "from": 1, "to": 8 } }] }
 * ```
 */
export const SWEEP_FORMAT = 'embedding-studio/sweep';
export const SWEEP_VERSION = 1;

/** A value a param may take in a document: number, string, boolean or number list. */
export const SweepValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);
export type SweepValue = z.infer<typeof SweepValue>;

export const SweepRange = z.object({
  from: z.number().finite(),
  to: z.number().finite(),
  step: z.number().finite().positive().optional(),
});
export type SweepRange = z.infer<typeof SweepRange>;

/**
 * One axis: `param` names `node.param` (split at the last dot: node ids may hold dots) and
 * takes exactly one of `values`, `range` (inclusive, step 1 by default) or `seedsOf` (the
 * seeds the named SeedSet node gives, one cell each). `text` marks values typed on the
 * command line (`--grid`), which are read as the param's kind.
 */
export const SweepAxis = z
  .object({
    param: z.string().min(1),
    values: z.array(SweepValue).min(1).optional(),
    range: SweepRange.optional(),
    seedsOf: z.string().min(1).optional(),
    text: z.boolean().optional(),
  })
  .strict()
  .refine((a) => [a.values, a.range, a.seedsOf].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of "values", "range" or "seedsOf"',
  });
export type SweepAxis = z.infer<typeof SweepAxis>;

/** The paper's check: per cell, `after`'s scores against `before`'s, seed by seed. */
export const GainTableSpec = z
  .object({
    before: z.string().min(1),
    after: z.string().min(1),
    goal: z.enum(['maximize', 'minimize']).default('maximize'),
  })
  .strict();
export type GainTableSpec = z.infer<typeof GainTableSpec>;

export const SweepFile = z
  .object({
    format: z.literal(SWEEP_FORMAT),
    version: z.literal(SWEEP_VERSION),
    meta: z.object({ title: z.string().optional(), description: z.string().optional() }).catchall(z.unknown()).default({}),
    /** The graph document, relative to the sweep file. */
    graph: z.string().min(1),
    axes: z.array(SweepAxis).default([]),
    /** Params set in every cell (`node.param` to value), e.g. fewer steps for a quick look. */
    set: z.record(z.string(), SweepValue).default({}),
    /** The Preview node whose first image stands for a cell in the grid (default: the first Preview). */
    image: z.string().min(1).optional(),
    table: GainTableSpec.optional(),
  })
  .strict();
export type SweepFile = z.infer<typeof SweepFile>;

export type SweepFileResult = { ok: true; sweep: SweepFile } | { ok: false; problems: string[] };

/** Reads a sweep file from JSON text; each problem is one line naming the axis or field. */
export function loadSweepFile(text: string): SweepFileResult {
  if (text.length > DOCUMENT_LIMITS.textLength) return { ok: false, problems: ['the sweep file is too long'] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`invalid JSON: ${(error as Error).message}`] };
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== SWEEP_FORMAT) return { ok: false, problems: [`not an Embedding Studio sweep: expected "format": "${SWEEP_FORMAT}"`] };
  const tooBig = checkDocumentSize(raw as object);
  if (tooBig) return { ok: false, problems: [tooBig.message] };
  const parsed = SweepFile.safeParse(raw);
  if (parsed.success) return { ok: true, sweep: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => issueLine(issue, raw as Record<string, unknown>)) };
}

/** `axis "generate.seed": range.step: ...`: names the axis by its param where it has one. */
function issueLine(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  const [section, index, ...rest] = issue.path;
  if (section === 'axes' && typeof index === 'number') {
    const param = (raw.axes as { param?: unknown }[] | undefined)?.[index]?.param;
    const where = rest.length ? `${rest.map(String).join('.')}: ` : '';
    return `axis ${typeof param === 'string' ? quote(param) : `#${index + 1}`}: ${where}${issue.message}`;
  }
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}
