// Validation fuzzed with mutated templates (graphs/*.json) from a fixed seed: nothing escapes
// as an exception, every message is one well-formed line that names what it is about, and no
// document reaches Object.prototype.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProductRegistry } from '../../nodes/product';
import { validateGraph } from '../../runtime/graph/validate';
import { looseNodes, problemFormatter } from '../../runtime/graph/problems';
import { quote } from '../../runtime/messages';
import type { Problem } from '../../runtime/events';
import { FuzzRandom, mutate } from './fuzz-mutations';
import { lineFault } from './safe-line';

const DOCUMENTS = 6000;
const graphs = new URL('../../graphs/', import.meta.url);
const templates = readdirSync(graphs)
  .filter((f) => f.endsWith('.json') && f !== 'schema.json')
  .map((f) => JSON.parse(readFileSync(new URL(f, graphs), 'utf8')) as Record<string, unknown>);

/** The start of a name as messages show it (escaped; long names are cut, at different lengths). */
const shown = (name: string) => quote(name).slice(1, -1).slice(0, 16).replace(/…$/, '');

/** What is wrong with one formatted problem, or undefined. */
function fault(problem: Problem, line: string): string | undefined {
  const bad = lineFault(line);
  if (bad) return bad;
  if (problem.nodeId !== undefined && !line.startsWith(`node ${quote(problem.nodeId)}`)) return 'does not name its node first';
  if (problem.port !== undefined && !problem.message.includes(shown(problem.port))) return `does not name port ${quote(problem.port)}`;
  if (problem.param !== undefined && !problem.message.includes(shown(problem.param))) return `does not name param ${quote(problem.param)}`;
  return undefined;
}

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => prototypes.map((p) => Object.getOwnPropertyNames(p).sort().join(','));

describe('validation fuzz', () => {
  it(`${DOCUMENTS} mutated templates: no escapes, only well-formed lines, prototypes untouched`, () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
    const registry = createProductRegistry();
    const rng = new FuzzRandom(20_240_612);
    const before = snapshot();
    const escapes: string[] = [];
    const badLines: string[] = [];
    let invalid = 0;
    const named = { nodeId: 0, port: 0, param: 0 };
    for (let i = 0; i < DOCUMENTS; i++) {
      const input = mutate(rng.pick(templates), rng, registry);
      let result;
      try {
        result = validateGraph(input, registry);
      } catch (error) {
        escapes.push(`document ${i}: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
        continue;
      }
      if (result.ok) continue;
      invalid++;
      const format = problemFormatter(looseNodes(input));
      for (const problem of result.problems) {
        const line = format(problem);
        const why = fault(problem, line);
        if (why) badLines.push(`document ${i}: ${why}: ${JSON.stringify(line).slice(0, 300)}`);
        for (const key of ['nodeId', 'port', 'param'] as const) if (problem[key] !== undefined) named[key]++;
      }
    }
    expect(escapes.slice(0, 5)).toEqual([]);
    expect(badLines.slice(0, 5)).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the mutations reach every kind of problem, not just broken JSON
    expect(invalid).toBeGreaterThan(DOCUMENTS * 0.6);
    expect(invalid).toBeLessThan(DOCUMENTS);
    expect(named.nodeId).toBeGreaterThan(1000);
    expect(named.port).toBeGreaterThan(200);
    expect(named.param).toBeGreaterThan(200);
  });
});
