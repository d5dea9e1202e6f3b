import type { EditorEngine } from '../state/engine';
import { useEngine } from './use-engine';

/** Validation and run messages, each naming the node, port or param at fault. */
export function Problems({ engine }: { engine: EditorEngine }) {
  const problems = useEngine(engine, (s) => s.problems);
  const from = useEngine(engine, (s) => s.problemsFrom);
  if (!problems.length) return null;
  return (
    <div className="problems" role="alert">
      <div className="problems-head">
        <strong>{problems.length === 1 ? '1 problem' : `${problems.length} problems`}</strong>
        <span className="muted">{from === 'import' ? 'nothing was imported' : 'the run did not start'}</span>
        <button className="icon" title="Dismiss" onClick={() => engine.dismissProblems()}>
          ×
        </button>
      </div>
      <ul>
        {problems.map((p, i) => (
          <li key={i} data-testid="error">
            {p.nodeId && <code>{p.nodeId}</code>}
            {p.port && <code>.{p.port}</code>}
            {p.param && <code>[{p.param}]</code>} {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
