import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MissingFileError, type ModelFiles } from './model-files';
import { checkFolderName } from './source';

/**
 * A local folder to register as `folder:<name>` (the CLI's --folder NAME=PATH, nodeServices'
 * `folders`): what the editor's "Model folder…" gives, by path. A bad name or a path that is
 * not a directory fails here, before anything runs.
 */
export function localModelFolder(name: string, path: string): ModelFiles {
  checkFolderName(name);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path} does not exist`);
  }
  if (!isDirectory) throw new Error(`${path} is not a directory`);
  return nodeFolderFiles(path, `folder:${name}`);
}

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
