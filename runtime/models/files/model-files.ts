/**
 * Read access to one model folder, whatever holds it: the repo on disk (Node), a web server,
 * or a folder the user picked. Paths are relative and use "/" ("unet/model.onnx").
 */
export interface ModelFiles {
  /** Where the folder is, for error messages ("builtin:tiny", "https://…/", "folder:sd-turbo"). */
  readonly label: string;
  has(path: string): Promise<boolean>;
  /** Throws `MissingFileError` when the file is absent. */
  read(path: string, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array>;
}

export class MissingFileError extends Error {
  constructor(
    readonly folder: string,
    readonly path: string,
  ) {
    super(`${folder}: missing file ${path}`);
  }
}

export async function readText(files: ModelFiles, path: string): Promise<string> {
  return new TextDecoder().decode(await files.read(path));
}

export async function readJson(files: ModelFiles, path: string): Promise<Record<string, unknown>> {
  const text = await readText(files, path);
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${files.label}: ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new Error(`${files.label}: ${path} should hold a JSON object`);
}
