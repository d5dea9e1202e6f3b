import { MissingFileError, type ModelFiles } from './model-files';

/** The minimal shapes of the File System Access API that we use (not in TS's DOM lib for workers everywhere). */
export interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  getDirectoryHandle(name: string): Promise<DirectoryHandleLike>;
  getFileHandle(name: string): Promise<{ getFile(): Promise<File> }>;
}

/** What the editor hands over: a picked directory handle, or `<input webkitdirectory>`'s files. */
export type PickedFolder = DirectoryHandleLike | readonly File[];

/** A folder the user picked in the editor; `label` is "folder:<name>". */
export function pickedFolderFiles(folder: PickedFolder, label: string): ModelFiles {
  const find = isHandle(folder) ? handleLookup(folder) : fileListLookup(folder);
  return {
    label,
    async has(path) {
      return (await find(path)) !== undefined;
    },
    async read(path, onProgress) {
      const file = await find(path);
      if (!file) throw new MissingFileError(label, path);
      const data = new Uint8Array(await file.arrayBuffer());
      onProgress?.(data.byteLength, data.byteLength);
      return data;
    },
  };
}

function isHandle(folder: PickedFolder): folder is DirectoryHandleLike {
  return !Array.isArray(folder) && (folder as DirectoryHandleLike).kind === 'directory';
}

function handleLookup(root: DirectoryHandleLike): (path: string) => Promise<File | undefined> {
  return async (path) => {
    const parts = path.split('/');
    try {
      let dir = root;
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      return await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
    } catch {
      return undefined; // NotFoundError / TypeMismatchError: not a file at that path
    }
  };
}

/**
 * `webkitRelativePath` starts with the picked folder's own name ("sd-turbo/unet/model.onnx"):
 * strip that first segment so paths match the model layout.
 */
function fileListLookup(files: readonly File[]): (path: string) => Promise<File | undefined> {
  const byPath = new Map<string, File>();
  for (const file of files) {
    const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    const parts = rel.split('/');
    byPath.set(parts.length > 1 ? parts.slice(1).join('/') : rel, file);
  }
  return async (path) => byPath.get(path);
}
