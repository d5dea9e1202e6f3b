import type { EditorState } from '../state/engine';
import type { PreviewImage } from '../../runtime/events';

/** Browser file plumbing: downloads and reading dropped or chosen files. */

export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function readFile(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function fileStem(title: string | undefined): string {
  return (title ?? 'graph').trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'graph';
}

/** The preview to export: the selected node's, else the last Preview node's, else any. */
export function previewToExport(state: EditorState): PreviewImage | undefined {
  const withPreviews = state.doc.nodes.filter((n) => state.run.nodes[n.id]?.previews?.length);
  const pick =
    withPreviews.find((n) => state.selection.includes(n.id)) ??
    [...withPreviews].reverse().find((n) => n.type === 'Preview') ??
    withPreviews[withPreviews.length - 1];
  return pick && state.run.nodes[pick.id]!.previews![0];
}
