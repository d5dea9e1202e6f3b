// The conformance run: every variant either gets a gradient that matches central differences
// element by element, or is refused at build time with a message naming the limit. None may
// build a model ORT will not load or run, and none may be wrong.
import { describe, expect, it } from 'vitest';
import { checkCase, CheckError, type Phase } from './harness';
import { conformanceA, type Variant } from './conformance-cases';
import { conformanceB } from './conformance-more';

const variants: Variant[] = [...conformanceA, ...conformanceB];

describe('gradient conformance (single-op models over attribute grids)', () => {
  it(`${variants.length} variants: no wrong, unloadable or unexpectedly refused gradient`, async () => {
    const tally: Record<Phase | 'ok' | 'refused', string[]> = { ok: [], refused: [], build: [], load: [], run: [], wrong: [] };
    let elements = 0;
    for (const v of variants) {
      try {
        const r = await checkCase(v);
        if (v.refuse) tally.wrong.push(`${v.name}: built, but should have been refused`);
        else tally.ok.push(v.name);
        elements += r.checked;
      } catch (e) {
        const phase = e instanceof CheckError ? e.phase : 'run';
        if (phase === 'build' && v.refuse?.test((e as Error).message)) tally.refused.push(v.name);
        else tally[phase].push(`${v.name}: ${(e as Error).message}`);
      }
    }
    console.log(`conformance: ${variants.length} variants, ${tally.ok.length} gradients checked (${elements} elements), `
      + `${tally.refused.length} refused by name, ${tally.wrong.length} wrong, ${tally.load.length + tally.run.length} unloadable, ${tally.build.length} refused unexpectedly`);
    expect({ wrong: tally.wrong, load: tally.load, run: tally.run, build: tally.build }).toEqual({ wrong: [], load: [], run: [], build: [] });
  }, 600_000);
});
