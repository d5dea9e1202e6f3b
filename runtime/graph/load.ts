import type { z } from 'zod';
import { GRAPH_FORMAT, GraphDocument } from './document';
import { migrate } from './migrate';
import type { Problem } from '../events';
import { echo } from '../messages';
import { DOCUMENT_LIMITS, checkDocumentSize } from './limits';

export type LoadResult = { ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] };

/**
 * Reads a graph document from JSON text or parsed data: format, version (migrating older
 * ones), then shape. Pure data handling: loading never runs anything from the document.
 */
export function loadDocument(input: unknown): LoadResult {
  let raw = input;
  if (typeof input === 'string') {
    if (input.length > DOCUMENT_LIMITS.textLength) {
      return fail({ message: `the document is ${input.length.toLocaleString('en-US')} characters long, more than the limit of ${DOCUMENT_LIMITS.textLength.toLocaleString('en-US')}` });
    }
    try {
      raw = JSON.parse(input);
    } catch (error) {
      return fail({ message: `invalid JSON: ${(error as Error).message}` });
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail({ message: 'a graph document must be a JSON object' });
  }
  const obj = raw as Record<string, unknown>;
  if (obj.format !== GRAPH_FORMAT) {
    const got = obj.format === undefined ? 'no "format"' : `"format" is ${echo(obj.format)}`;
    return fail({ message: `not an Embedding Studio graph: ${got}, expected "${GRAPH_FORMAT}"` });
  }
  // Before anything recursive (migrations, zod) walks it: no stack overflow, no unbounded work.
  const tooBig = checkDocumentSize(obj);
  if (tooBig) return fail(tooBig);
  const migrated = migrate(obj);
  if (!migrated.ok) return fail({ message: migrated.message });
  const parsed = GraphDocument.safeParse(migrated.doc);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => issueToProblem(i, migrated.doc)) };
  return { ok: true, doc: parsed.data };
}

const fail = (problem: Problem): LoadResult => ({ ok: false, problems: [problem] });

/** Names the node (by id, when it has one) or the edge that a schema issue is about. */
function issueToProblem(issue: z.core.$ZodIssue, doc: Record<string, unknown>): Problem {
  const [section, index, ...rest] = issue.path;
  const where = rest.map(String).join('.');
  const detail = where ? `${where}: ${issue.message}` : issue.message;
  if (section === 'nodes' && typeof index === 'number') {
    const node = (doc.nodes as unknown[])[index] as Record<string, unknown> | null | undefined;
    const id = node && typeof node === 'object' && typeof node.id === 'string' && node.id ? node.id : undefined;
    return id ? { nodeId: id, message: detail } : { message: `nodes[${index}]: ${detail}` };
  }
  if (section === 'edges' && typeof index === 'number') return { message: `edges[${index}]: ${detail}` };
  return { message: issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message };
}
