import type { Problem } from '../events';
import { quote } from '../messages';

/**
 * How big a document may be. Documents are shared, so validation must never overflow the
 * stack or run without bound on one: the shape is checked by an explicit-stack walk before any
 * recursive code (zod, JSON.stringify, structuredClone) sees it. The limits sit far above any
 * real graph (the templates nest 5 deep and hold a few hundred values).
 */
export const DOCUMENT_LIMITS = {
  /** Nesting of arrays and objects, the document itself being level 0. */
  depth: 32,
  /** Array items and object entries, all levels together. */
  values: 2_000_000,
  /** Characters in one string (a prompt, a note) or one key. */
  stringLength: 100_000,
  /** Characters of JSON text, before it is parsed. */
  textLength: 64 * 1024 * 1024,
} as const;

interface Frame {
  value: unknown;
  depth: number;
  parent?: Frame;
  key?: string | number;
}

const pathOf = (frame: Frame): (string | number)[] => {
  const path: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
};

/** `nodes[3].params.t[0]`, cut to stay readable. */
const showPath = (path: (string | number)[]) =>
  path
    .slice(0, 8)
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${/^[A-Za-z_][\w]*$/.test(k) ? k : quote(k, 24)}`))
    .join('') + (path.length > 8 ? '…' : '');

/** Names the node (and param) a path leads into, when the node has a usable id. */
function located(root: unknown, path: (string | number)[], message: string): Problem {
  const where = path.length ? ` (at ${showPath(path)})` : '';
  if (path[0] === 'nodes' && typeof path[1] === 'number') {
    const nodes = (root as { nodes?: unknown }).nodes as unknown[];
    const node = nodes[path[1]] as { id?: unknown } | null;
    const id = node && typeof node === 'object' && typeof node.id === 'string' && node.id ? node.id : undefined;
    const param = path[2] === 'params' && typeof path[3] === 'string' ? path[3] : undefined;
    if (id) return { nodeId: id, ...(param !== undefined ? { param } : {}), message: `${message}${where}` };
  }
  return { message: `${message}${where}` };
}

/**
 * The first way `root` exceeds DOCUMENT_LIMITS, or undefined. Also refuses `__proto__` keys:
 * JSON.parse makes them own properties, but any later copy would turn them into prototypes.
 */
export function checkDocumentSize(root: unknown): Problem | undefined {
  const L = DOCUMENT_LIMITS;
  let values = 0;
  const stack: Frame[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (typeof value === 'string') {
      if (value.length > L.stringLength) {
        return located(root, pathOf(frame), `a text of ${value.length.toLocaleString('en-US')} characters is longer than the limit of ${L.stringLength.toLocaleString('en-US')}`);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= L.depth) return located(root, pathOf(frame), `the document nests deeper than ${L.depth} levels`);
    if (Array.isArray(value)) {
      values += value.length;
      if (values > L.values) return located(root, pathOf(frame), `the document holds more than ${L.values.toLocaleString('en-US')} values`);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      continue;
    }
    const keys = Object.keys(value);
    values += keys.length;
    if (values > L.values) return located(root, pathOf(frame), `the document holds more than ${L.values.toLocaleString('en-US')} values`);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const child: Frame = { value: (value as Record<string, unknown>)[key], depth: depth + 1, parent: frame, key };
      if (key === '__proto__') return located(root, pathOf(child), 'the key "__proto__" is not allowed');
      if (key.length > L.stringLength) return located(root, pathOf(frame), `a key of ${key.length.toLocaleString('en-US')} characters is longer than the limit of ${L.stringLength.toLocaleString('en-US')}`);
      stack.push(child);
    }
  }
  return undefined;
}
