import { useEffect, useState } from 'react';
import type { EditorEngine } from '../state/engine';
import { useEngine } from './use-engine';

/** A refused connection and similar notices, shown for a few seconds. */
export function Hint({ engine }: { engine: EditorEngine }) {
  const hint = useEngine(engine, (s) => s.hint);
  const [visible, setVisible] = useState<number | undefined>();
  useEffect(() => {
    if (!hint) return;
    setVisible(hint.id);
    const t = setTimeout(() => setVisible(undefined), 3500);
    return () => clearTimeout(t);
  }, [hint]);
  if (!hint || visible !== hint.id) return null;
  return (
    <div className="hint" data-testid="hint" role="status">
      {hint.message}
    </div>
  );
}
