import { useMemo } from 'react';
import type { PreviewImage } from '../../runtime/events';
import { lightbox } from './lightbox';
import { usePreviewUrls } from './previews';

/** One finished round of a Pick zone: the image chosen, and how far the embedding moved. */
export interface PickRound {
  round: number;
  index: number;
  t: number;
  image: PreviewImage;
}

/**
 * Rounds picked per Pick node. The panel unmounts between rounds (the zone stops waiting once a
 * choice is sent), so the path is kept here, outside React; a new run's round 0 starts afresh.
 */
const picked = new Map<string, PickRound[]>();

export const pickRounds = {
  of: (nodeId: string, round: number): PickRound[] => (picked.get(nodeId) ?? []).filter((r) => r.round < round),
  add(nodeId: string, r: PickRound) {
    const kept = (picked.get(nodeId) ?? []).filter((k) => k.round < r.round);
    picked.set(nodeId, [...kept, r]);
  },
};

/**
 * The rounds picked so far, oldest first, so a person sees the path taken (the paper's UI kept
 * it on screen); a click enlarges a chosen image.
 */
export function PickHistory({ rounds }: { rounds: PickRound[] }) {
  // one array per `rounds`: usePreviewUrls remakes its URLs whenever the array changes
  const images = useMemo(() => rounds.map((r) => r.image), [rounds]);
  const urls = usePreviewUrls(images);
  if (!rounds.length) return null;
  return (
    <ol className="pick-history" data-testid="pick-history">
      {rounds.map((r, i) => (
        <li key={r.round} data-testid="pick-history-round" title={`round ${r.round + 1}: #${r.index + 1}, t=${r.t.toFixed(2)}`}>
          {urls[i] && <img src={urls[i]} alt={`round ${r.round + 1} choice`} draggable={false} onClick={() => lightbox.open(urls, i)} />}
          <span>
            {r.round + 1}: #{r.index + 1} t {r.t.toFixed(2)}
          </span>
        </li>
      ))}
    </ol>
  );
}
