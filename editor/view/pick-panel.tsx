import { useEffect, useMemo, useRef, useState } from 'react';
import { Drag } from 'rete-react-plugin';
import type { EditorEngine } from '../state/engine';
import type { NodeRun } from '../state/run-state';
import { usePreviewUrls } from './previews';
import { PickHistory, pickRounds } from './pick-history';

/**
 * A Pick zone waiting for a person: choose a candidate, set how far to move, Next or Done;
 * the rounds picked so far stay listed below.
 */
export function PickPanel({ engine, nodeId, pick }: { engine: EditorEngine; nodeId: string; pick: NonNullable<NodeRun['pick']> }) {
  const urls = usePreviewUrls(pick.images);
  const [chosen, setChosen] = useState<number | undefined>();
  const [t, setT] = useState(pick.t);
  const root = useRef<HTMLDivElement>(null);
  Drag.useNoDrag(root);
  useEffect(() => {
    setChosen(undefined);
    setT(pick.t);
  }, [pick]);
  // the rounds before this one (a rerun from round 0 drops an older run's path)
  const history = useMemo(() => pickRounds.of(nodeId, pick.round), [nodeId, pick]);
  const next = () => {
    if (chosen === undefined) return;
    pickRounds.add(nodeId, { round: pick.round, index: chosen, t, image: pick.images[chosen] });
    void engine.choose(nodeId, { index: chosen, t });
  };
  const cols = Math.ceil(Math.sqrt(Math.max(urls.length, 1)));
  return (
    <div className="pick" data-testid="pick" ref={root}>
      <div className="pick-head">Round {pick.round + 1}: pick the closest image</div>
      <div className="previews pick-grid" style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
        {urls.map((u, i) => (
          <figure key={u} className={chosen === i ? 'preview chosen' : 'preview'}>
            <img
              src={u}
              alt={`candidate ${i + 1}`}
              data-testid="pick-candidate"
              onClick={() => setChosen(i)}
              draggable={false}
            />
            {pick.scores?.[i] !== undefined && <figcaption>{pick.scores[i].toPrecision(3)}</figcaption>}
          </figure>
        ))}
      </div>
      <label className="param" title="How far to move toward the chosen image">
        <span className="param-label">move</span>
        <span className="w-slider">
          <input type="range" min={0} max={1} step={0.05} value={t} onChange={(e) => setT(Number(e.target.value))} />
          <span className="pick-t">{t.toFixed(2)}</span>
        </span>
      </label>
      <div className="pick-actions">
        <button data-testid="pick-next" disabled={chosen === undefined} onClick={next}>
          Next
        </button>
        <button data-testid="pick-done" onClick={() => void engine.choose(nodeId, { done: true })}>
          Done
        </button>
      </div>
      <PickHistory rounds={history} />
    </div>
  );
}
