import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Python modules under `root` (dotted, from the repository root) and the project modules each imports. */
export function pythonImports(root: string): Map<string, Set<string>> {
  const files = walk(root).filter((f) => f.endsWith('.py'));
  const moduleOf = (file: string) => relative('.', file).replace(/\.py$/, '').replace(/\/__init__$/, '').split(sep).join('.');
  const known = new Set(files.map(moduleOf));
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const self = moduleOf(file);
    const pkg = file.endsWith('__init__.py') ? self : self.split('.').slice(0, -1).join('.');
    const deps = new Set<string>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const from = /^\s*from\s+(\.*)([\w.]*)\s+import\s+([\w, ]+)/.exec(line);
      const plain = /^\s*import\s+([\w.]+)/.exec(line);
      const targets: string[] = [];
      if (from) {
        const [, dots, name, names] = from;
        const base = dots ? pkg.split('.').slice(0, pkg.split('.').length - (dots.length - 1)).join('.') : '';
        const mod = [base, name].filter(Boolean).join('.');
        targets.push(mod, ...names.split(',').map((n) => `${mod}.${n.trim()}`));
      } else if (plain) targets.push(plain[1]);
      for (const t of targets) if (known.has(t) && t !== self) deps.add(t);
    }
    graph.set(self, deps);
  }
  return graph;
}

/** Each import circle once, as the modules on it. */
export function pythonImportCycles(root: string): string[][] {
  const graph = pythonImports(root);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (m: string) => {
    state.set(m, 'open');
    stack.push(m);
    for (const d of graph.get(m) ?? []) {
      if (state.get(d) === 'open') cycles.push(stack.slice(stack.indexOf(d)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(m, 'done');
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
  return cycles;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === '__pycache__' ? [] : walk(path)) : [path];
  });
}

