import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { quote } from '../messages';

// Not on every platform (Windows): there the lstat checks below are what stands guard.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes `name` (from a graph document: SaveEmbedding's file, a node id) under the folder
 * `base` (the CLI's --out) and returns its path. Nothing leaves `base`: no `..`, and no
 * symbolic link already inside it is followed, for folders on the way or for the file itself.
 * The bytes go to a fresh temporary file that is renamed into place, so a run stopped midway
 * (Ctrl-C) leaves whole files or none. Node hosts only.
 */
export function writeFileInside(base: string, name: string, bytes: Uint8Array | string): string {
  const root = resolve(base);
  const path = resolve(root, name);
  if (!path.startsWith(root + sep)) throw new Error(`cannot save ${quote(name)} outside ${root}`);
  // the output folder itself may be a link: that is where its owner chose to write
  mkdirSync(root, { recursive: true });
  let dir = root;
  for (const part of relative(root, dirname(path)).split(sep).filter(Boolean)) {
    dir = join(dir, part);
    if (!lstatSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { recursive: true });
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) throw new Error(`cannot save ${quote(name)}: ${dir} is a symbolic link, and writes stay inside ${root}`);
    if (!stat.isDirectory()) throw new Error(`cannot save ${quote(name)}: ${dir} is not a folder`);
  }
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error(`cannot save ${quote(name)}: ${path} is a symbolic link, and writes stay inside ${root}`);
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.part`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  try {
    writeFileSync(fd, bytes);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  // rename replaces a directory entry and never follows a link put there meanwhile
  renameSync(temp, path);
  return path;
}
