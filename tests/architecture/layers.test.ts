// The layering of docs/design.md#layers, enforced: an import that runs up a floor, an import
// circle, editor code reaching ONNX code, or the browser bundle reaching onnxruntime-node
// fails here. The rules live in .dependency-cruiser.cjs.
import { createRequire } from 'node:module';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { pythonImportCycles } from './python-imports';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const SOURCES = ['runtime', 'nodes', 'editor', 'cli', 'worker'];

async function cruiseWith(forbidden: IConfiguration['forbidden'], files = SOURCES): Promise<ICruiseResult> {
  const result = await cruise(files, { ...config.options, validate: true, ruleSet: { forbidden }, outputType: 'json' }, { extensions: ['.ts', '.tsx', '.js'] });
  return JSON.parse(result.output as string) as ICruiseResult;
}

const describeViolation = (v: ICruiseResult['summary']['violations'][number]) =>
  `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (circle: ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' -> ')})` : ''}`;

describe('architecture', () => {
  it('imports run down the floors, with no circles, and the editor reaches no ONNX code', async () => {
    const result = await cruiseWith(config.forbidden);
    // the check saw the whole tree, not an empty or half-resolved one
    expect(result.modules.filter((m) => m.source.startsWith('runtime/')).length).toBeGreaterThan(120);
    const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('.')).map((d) => `${m.source} -> ${d.module}`));
    expect(unresolved).toEqual([]);
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  });

  it('the floor rules catch an import that runs up', async () => {
    // the rules themselves, tried on imports known to exist: a rule that matches nothing would pass silently
    const floors = (config.forbidden ?? []).filter((r) => r.name === 'import-runs-up') as { from: object; to: object }[];
    const asIfUp = floors.map((r) => ({ name: 'import-runs-down', severity: 'error' as const, from: r.to, to: r.from }));
    const reversed = await cruiseWith(asIfUp, ['nodes']);
    expect(reversed.summary.violations.length).toBeGreaterThan(0);
  });

  it('the browser rule catches a path to onnxruntime-node', async () => {
    // the CLI does reach it (through the Node host): the same rule from cli/ must fire
    const rule = (config.forbidden ?? []).find((r) => r.name === 'browser-reaches-no-native-ort') as { to: object };
    const fromCli = await cruiseWith([{ name: 'cli-reaches-native', severity: 'error', from: { path: '^cli/' }, to: rule.to }], ['cli']);
    expect(fromCli.summary.violations.length).toBeGreaterThan(0);
  });

  it('tools/ has no Python import circles', () => {
    expect(pythonImportCycles('tools')).toEqual([]);
  });
});
