/** The templates gallery: every graph shipped in graphs/, bundled at build time. */
export interface Template {
  stem: string;
  title: string;
  description: string;
  doc: unknown;
}

const files = import.meta.glob('../graphs/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;

export const templates: Template[] = Object.entries(files)
  // graphs/ also holds the document's JSON schema: only graph documents are templates.
  .filter(([, doc]) => (doc as { format?: string })?.format === 'embedding-studio/graph')
  .map(([path, doc]) => {
    const stem = path.replace(/^.*\//, '').replace(/\.json$/, '');
    const meta = ((doc as { meta?: { title?: string; description?: string } }).meta ?? {}) as { title?: string; description?: string };
    return { stem, title: meta.title ?? stem, description: meta.description ?? '', doc };
  })
  .sort((a, b) => (a.stem === 'text-to-image' ? -1 : b.stem === 'text-to-image' ? 1 : a.title.localeCompare(b.title)));
