import type { RuntimeServices } from '../node-api/node';

/**
 * Writes a file the graph produced (a saved embedding) and says where it went. The Node host
 * writes under the run's output folder (CLI `--out`), a browser host offers a download.
 */
export type SaveBytes = (name: string, bytes: Uint8Array, mime: string, nodeId?: string) => Promise<string>;

export function saveService(services: RuntimeServices): SaveBytes {
  const save = services.saveBytes;
  if (typeof save !== 'function') throw new Error('this runtime host cannot save files (it provides no saveBytes service)');
  return (name, bytes, mime, nodeId) => (save as SaveBytes).call(services, name, bytes, mime, nodeId);
}

/** File names stay inside the output folder: no absolute paths, no "..". */
export function checkFileName(name: string): string {
  const clean = name.trim();
  if (!clean || clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split(/[\\/]/).includes('..')) {
    throw new Error(`file name "${name}" must be a relative path inside the output folder`);
  }
  return clean;
}
