import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { EditorEngine, EditorState } from '../state/engine';

/**
 * The one way React reads the engine: a selector over its immutable state. Components re-render
 * only when what they select changes (by Object.is, or by `equal`).
 */
export function useEngine<T>(
  engine: EditorEngine,
  select: (state: EditorState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  const last = useRef<{ state: EditorState; value: T } | null>(null);
  const getSnapshot = useCallback(() => {
    const state = engine.state;
    const prev = last.current;
    if (prev && prev.state === state) return prev.value;
    const value = select(state);
    if (prev && equal(prev.value, value)) {
      last.current = { state, value: prev.value };
      return prev.value;
    }
    last.current = { state, value };
    return value;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, select]);
  return useSyncExternalStore(engine.subscribe, getSnapshot, getSnapshot);
}

export function shallowEqualArrays<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}
