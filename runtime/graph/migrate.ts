import { GRAPH_VERSION } from './document';
import { echo } from '../messages';

/** Upgrades a document of one version to the next; gets and returns plain JSON data. */
export type MigrationStep = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * MIGRATIONS[v] turns a version-v document into version v+1. Version 1 is the first
 * published format, so the table is empty; a format change adds one entry here and bumps
 * GRAPH_VERSION (document.ts).
 */
export const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {};

export type MigrationResult = { ok: true; doc: Record<string, unknown> } | { ok: false; message: string };

/** Brings a document to `latest`, one step at a time; a newer or unknown version is refused, never guessed at. */
export function migrate(
  doc: Record<string, unknown>,
  steps: Readonly<Record<number, MigrationStep>> = MIGRATIONS,
  latest: number = GRAPH_VERSION,
): MigrationResult {
  const version = doc.version;
  if (version === undefined) return { ok: false, message: '"version" is missing' };
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return { ok: false, message: `"version" must be an integer, got ${echo(version)}` };
  }
  if (version > latest) {
    return {
      ok: false,
      message: `version ${version} is newer than this Embedding Studio understands (up to ${latest}); update the app to open it`,
    };
  }
  let current = doc;
  for (let v = version; v < latest; v++) {
    const step = steps[v];
    if (!step) return { ok: false, message: `version ${version} is not supported (no upgrade from version ${v})` };
    current = { ...step(current), version: v + 1 };
  }
  return { ok: true, doc: current };
}
