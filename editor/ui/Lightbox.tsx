import { useEffect, useSyncExternalStore } from 'react';
import { lightbox } from '../view/lightbox';

export function Lightbox() {
  const state = useSyncExternalStore(lightbox.subscribe, lightbox.get);
  useEffect(() => {
    if (!state) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        // closes the preview only, not also the run (Esc is Cancel elsewhere)
        e.stopPropagation();
        lightbox.close();
      }
      if (e.key === 'ArrowRight') lightbox.open(state.images, (state.index + 1) % state.images.length);
      if (e.key === 'ArrowLeft') lightbox.open(state.images, (state.index + state.images.length - 1) % state.images.length);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [state]);
  if (!state) return null;
  return (
    <div className="lightbox" onClick={() => lightbox.close()}>
      <img src={state.images[state.index]} alt="" />
      {state.images.length > 1 && (
        <div className="lightbox-count">
          {state.index + 1} / {state.images.length}
        </div>
      )}
    </div>
  );
}
