/**
 * Model sources, as written in the Model node's `source` param:
 * - `builtin:tiny`: the model shipped in the repo's models/ folder;
 * - `https://host/path/` (or http): a folder on a web server (e.g. Hugging Face `resolve/main/`);
 * - `folder:<name>`: a local folder the user picked, registered with the runtime under <name>.
 */
export type ModelSource = { kind: 'builtin'; name: string } | { kind: 'url'; url: string } | { kind: 'folder'; name: string };

/** What a `folder:<name>` may be named: the Model node's source and registerFolder agree on it. */
const FOLDER_NAME = /^[A-Za-z0-9_.-]+$/;

export function parseSource(source: string): ModelSource {
  const s = source.trim();
  const builtin = /^builtin:([a-z0-9][a-z0-9_-]*)$/.exec(s);
  if (builtin) return { kind: 'builtin', name: builtin[1] };
  const folder = /^folder:(.+)$/.exec(s);
  if (folder && FOLDER_NAME.test(folder[1])) return { kind: 'folder', name: folder[1] };
  if (/^https?:\/\//.test(s)) {
    try {
      const url = new URL(s);
      return { kind: 'url', url: url.href.endsWith('/') ? url.href : `${url.href}/` };
    } catch {
      // fall through to the error below
    }
  }
  throw new Error(`model source "${source}" is not one of builtin:<name>, http(s)://<folder URL>, folder:<picked folder name>`);
}

export function checkFolderName(name: string): void {
  if (!FOLDER_NAME.test(name)) throw new Error(`folder name "${name}" may use letters, digits, "_", "." and "-" only`);
}
