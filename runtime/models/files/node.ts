import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MissingFileError, type ModelFiles } from './model-files';

/** A model folder on the local disk (Node hosts only: CLI, tests, benchmarks). */
export function nodeFolderFiles(dir: string, label = dir): ModelFiles {
  const root = resolve(dir);
  const full = (path: string) => {
    const file = resolve(join(root, path));
    if (!file.startsWith(root)) throw new Error(`${label}: path ${path} leaves the model folder`);
    return file;
  };
  return {
    label,
    async has(path) {
      try {
        return (await stat(full(path))).isFile();
      } catch {
        return false;
      }
    },
    async read(path, onProgress) {
      let data: Buffer;
      try {
        data = await readFile(full(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFileError(label, path);
        throw error;
      }
      onProgress?.(data.byteLength, data.byteLength);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
  };
}
