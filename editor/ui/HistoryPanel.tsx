import { useEffect, useMemo, useState } from 'react';
import type { EditorEngine } from '../state/engine';
import type { KeptRun } from '../state/kept-runs';
import { comparableNodes, summarizeRuns } from '../state/run-history';
import { formatDuration } from '../state/timing';
import { usePreviewUrls } from '../view/previews';
import { useEngine } from './use-engine';

const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The kept runs (newest first): when, how it ended, what changed since the run before, key
 * scores. Tick two to compare them side by side, an A/B slider over the images of one node.
 */
export function HistoryPanel({ engine, onClose }: { engine: EditorEngine; onClose(): void }) {
  const runs = useEngine(engine, (s) => s.runs);
  const summaries = useMemo(() => summarizeRuns(runs), [runs]);
  const [picked, setPicked] = useState<number[]>([]);
  const toggle = (at: number) => setPicked((p) => (p.includes(at) ? p.filter((x) => x !== at) : [...p, at].slice(-2)));
  const chosen = picked.map((at) => runs.find((r) => r.at === at)).filter((r): r is KeptRun => !!r);
  return (
    <aside className="history" data-testid="history">
      <header className="history-head">
        <strong>Runs</strong>
        <span className="muted">tick two to compare</span>
        <button className="icon" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {!runs.length && <div className="muted">No runs kept yet.</div>}
      <ol className="history-list">
        {summaries.map((s) => (
          <li key={s.at} data-testid="history-run" className={picked.includes(s.at) ? 'picked' : undefined}>
            <label>
              <input type="checkbox" data-testid="history-pick" checked={picked.includes(s.at)} onChange={() => toggle(s.at)} />
              <span className="history-time">{clock(s.at)}</span>
              <span className={`history-status ${s.status}`}>{s.status}</span>
              {s.ms !== undefined && <span className="muted">{formatDuration(s.ms)}</span>}
            </label>
            <div className="history-diff" data-testid="history-diff" title={s.diff}>
              {s.diff}
            </div>
            {s.scores.length > 0 && (
              <div className="history-scores">
                {s.scores.slice(0, 4).map((sc) => (
                  <span key={sc.nodeId}>
                    {sc.nodeId} <b>{sc.value.toPrecision(4)}</b>
                  </span>
                ))}
              </div>
            )}
          </li>
        ))}
      </ol>
      {chosen.length === 2 && <Compare a={chosen[0]} b={chosen[1]} />}
    </aside>
  );
}

/** Two runs' images of one node, one over the other, split where the slider is. */
function Compare({ a, b }: { a: KeptRun; b: KeptRun }) {
  const nodes = comparableNodes(a, b);
  const [node, setNode] = useState(nodes.at(-1));
  const [split, setSplit] = useState(50);
  useEffect(() => setNode((n) => (n && nodes.includes(n) ? n : nodes.at(-1))), [nodes.join('|')]);
  const [left] = usePreviewUrls(node ? a.nodes[node]?.previews?.slice(0, 1) : undefined);
  const [right] = usePreviewUrls(node ? b.nodes[node]?.previews?.slice(0, 1) : undefined);
  if (!nodes.length) return <div className="muted">These two runs have no images of the same node.</div>;
  return (
    <div className="history-compare" data-testid="history-compare">
      <select value={node} onChange={(e) => setNode(e.target.value)} data-testid="compare-node">
        {nodes.map((n) => (
          <option key={n}>{n}</option>
        ))}
      </select>
      <div className="ab">
        {right && <img src={right} alt={`${clock(b.at)}`} data-testid="compare-b" />}
        {left && <img src={left} alt={`${clock(a.at)}`} data-testid="compare-a" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }} />}
        <div className="ab-line" style={{ left: `${split}%` }} />
      </div>
      <input type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} data-testid="ab-slider" aria-label="A/B split" />
      <div className="ab-labels muted">
        <span>A {clock(a.at)}</span>
        <span>B {clock(b.at)}</span>
      </div>
    </div>
  );
}
