import { useEffect, useState } from 'react';
import type { PreviewImage } from '../../runtime/events';
import type { SavedFile } from '../state/run-state';
import { lightbox } from './lightbox';

/** Object URLs for preview PNGs, revoked when the previews change or the view goes away. */
export function usePreviewUrls(images: PreviewImage[] | undefined): string[] {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    if (!images?.length) {
      setUrls([]);
      return;
    }
    const made = images.map((im) => URL.createObjectURL(new Blob([im.png as BlobPart], { type: 'image/png' })));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [images]);
  return urls;
}

/** A batch as a grid; click enlarges. `compact`: thumbnails, for nodes whose images pass downstream. */
export function Previews({ images, compact }: { images: PreviewImage[]; compact?: boolean }) {
  const urls = usePreviewUrls(images);
  if (!urls.length) return null;
  const cols = Math.ceil(Math.sqrt(urls.length));
  return (
    <div className={compact ? 'previews compact' : 'previews'} style={compact ? undefined : { gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
      {urls.map((u, i) => (
        <figure key={u} className="preview">
          <img
            data-testid="preview"
            src={u}
            alt={images[i]?.label ?? `image ${i + 1}`}
            title={images[i]?.label}
            onClick={() => lightbox.open(urls, i)}
            draggable={false}
          />
          {images[i]?.label && urls.length > 1 && <figcaption>{images[i].label}</figcaption>}
        </figure>
      ))}
    </div>
  );
}

/** Files a node saved (SaveEmbedding in the browser): one download link each. */
export function Downloads({ files }: { files: SavedFile[] }) {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    const made = files.map((f) => URL.createObjectURL(new Blob([f.bytes as BlobPart], { type: f.mime })));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [files]);
  if (urls.length !== files.length) return null;
  return (
    <div className="downloads">
      {files.map((f, i) => (
        <a key={urls[i]} data-testid="download" href={urls[i]} download={f.name.split(/[\\/]/).pop()} title={`Download ${f.name}`}>
          ⤓ {f.name} <span className="download-size">{formatBytes(f.bytes.byteLength)}</span>
        </a>
      ))}
    </div>
  );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
