import { constants as bufferLimits } from 'node:buffer';
import { statSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
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
  const inside = (file: string, base: string) => file === base || file.startsWith(base + sep);
  const full = (path: string) => {
    const file = resolve(join(root, path));
    if (!inside(file, root)) throw new Error(`${label}: path ${path} leaves the model folder`);
    return file;
  };
  // a folder from someone else may hold links: what they point at must lie inside it too
  const real = async (path: string) => {
    const [file, base] = await Promise.all([realpath(full(path)), realpath(root)]);
    if (!inside(file, base)) throw new Error(`${label}: ${path} links outside the model folder`);
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
      let file: string;
      try {
        file = await real(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFileError(label, path);
        throw error;
      }
      return readWhole(file, `${label}/${path}`, onProgress);
    },
  };
}

/** Read in chunks this big: fs.readFile stops at 2 GiB, and a fp32 SD UNet's weights are 3.4 GB. */
const CHUNK = 64 * 1024 * 1024;

/** A whole file into one buffer, with progress per chunk; files past what a buffer can hold are named. */
async function readWhole(file: string, name: string, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > bufferLimits.MAX_LENGTH) {
      throw new Error(`${name} is ${(size / 2 ** 30).toFixed(1)} GiB, more than one buffer holds here (${(bufferLimits.MAX_LENGTH / 2 ** 30).toFixed(1)} GiB): use an fp16 export`);
    }
    const data = new Uint8Array(size);
    let loaded = 0;
    while (loaded < size) {
      const { bytesRead } = await handle.read(data, loaded, Math.min(CHUNK, size - loaded), loaded);
      if (bytesRead === 0) throw new Error(`${name} ended after ${loaded} of ${size} bytes (was it changed while reading?)`);
      loaded += bytesRead;
      onProgress?.(loaded, size);
    }
    return data;
  } finally {
    await handle.close();
  }
}
