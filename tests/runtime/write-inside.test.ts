import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileInside } from '../../runtime/host/write-inside';
import { nodeServices } from '../../runtime/api/node-host';
import { runCli } from '../../cli/run-cli';
import { doc, makeTestNodes } from './test-nodes';

const dir = mkdtempSync(join(tmpdir(), 'write-inside-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh output folder and, next to it, a file a link inside it points at. */
function setup(name: string) {
  const out = join(dir, name, 'out');
  mkdirSync(out, { recursive: true });
  const victim = join(dir, name, 'victim.txt');
  writeFileSync(victim, 'keep me');
  return { out, victim };
}

describe('writes stay inside the output folder', () => {
  it('writes whole files into folders it makes, leaving no temporary files', () => {
    const { out } = setup('plain');
    expect(writeFileInside(out, 'a/b/c.bin', new Uint8Array([1, 2]))).toBe(join(out, 'a/b/c.bin'));
    writeFileInside(out, 'a/b/c.bin', 'again');
    expect(readFileSync(join(out, 'a/b/c.bin'), 'utf8')).toBe('again');
    expect(readdirSync(join(out, 'a/b'))).toEqual(['c.bin']);
  });

  it('refuses names that climb out', () => {
    const { out } = setup('climb');
    expect(() => writeFileInside(out, '../x.bin', 'x')).toThrow(/outside/);
    expect(() => writeFileInside(out, '/etc/x.bin', 'x')).toThrow(/outside/);
  });

  it('does not follow a link to a file, or a link to a folder, already in the folder', () => {
    const { out, victim } = setup('links');
    symlinkSync(victim, join(out, 'show-0.png'));
    expect(() => writeFileInside(out, 'show-0.png', 'evil')).toThrow(`cannot save "show-0.png": ${join(out, 'show-0.png')} is a symbolic link`);
    symlinkSync(join(dir, 'links'), join(out, 'sub'));
    expect(() => writeFileInside(out, 'sub/victim.txt', 'evil')).toThrow(/sub is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('accepts an output folder that is itself a link (its owner chose it)', () => {
    const { out } = setup('linked-base');
    symlinkSync(out, join(dir, 'linked-base', 'alias'));
    writeFileInside(join(dir, 'linked-base', 'alias'), 'x.bin', 'ok');
    expect(readFileSync(join(out, 'x.bin'), 'utf8')).toBe('ok');
  });

  it('SaveEmbedding through the Node host does not follow a link either', async () => {
    const { out, victim } = setup('host');
    symlinkSync(victim, join(out, 'e.safetensors'));
    const services = { ...nodeServices(), outDir: out };
    await expect(services.saveBytes!.call(services, 'e.safetensors', new Uint8Array([1]))).rejects.toThrow(/is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('the CLI reports a preview it will not write through a link, still writes run.json, and exits 1', async () => {
    const { out, victim } = setup('cli');
    symlinkSync(victim, join(out, 'show-0.png'));
    const file = join(dir, 'cli', 'g.json');
    writeFileSync(file, JSON.stringify(doc([['e', 'ConstEmbedding'], ['img', 'EmbeddingImage'], ['show', 'Preview']], [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image']])));
    let stderr = '';
    const code = await runCli(['run', file, '--out', out], { registry: makeTestNodes().registry, services: {}, stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(code).toBe(1);
    expect(stderr).toContain(`error: cannot save "show-0.png": ${join(out, 'show-0.png')} is a symbolic link`);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('ok');
  });
});
