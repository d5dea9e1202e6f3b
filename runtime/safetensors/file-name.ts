/** File names stay inside the output folder: no absolute paths, no "..". */
export function checkFileName(name: string): string {
  const clean = name.trim();
  if (!clean || clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split(/[\\/]/).includes('..')) {
    throw new Error(`file name "${name}" must be a relative path inside the output folder`);
  }
  return clean;
}
