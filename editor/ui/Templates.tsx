import { templates, type Template } from '../templates';

/** The templates gallery: every graph in graphs/, with title and description. */
export function Templates({ onPick, onClose }: { onPick(t: Template): void; onClose(): void }) {
  return (
    <div className="modal-backdrop" onPointerDown={onClose}>
      <div className="modal" onPointerDown={(e) => e.stopPropagation()}>
        <div className="modal-head">
          <h2>Templates</h2>
          <button className="icon" onClick={onClose} title="Close">
            ×
          </button>
        </div>
        <div className="template-grid">
          {templates.map((t) => (
            <button key={t.stem} className="template" data-testid="template" data-template={t.stem} onClick={() => onPick(t)}>
              <strong>{t.title}</strong>
              <span title={t.description}>{t.description}</span>
              <code>{t.stem}.json</code>
            </button>
          ))}
          {!templates.length && <p className="muted">No templates in graphs/ yet.</p>}
        </div>
      </div>
    </div>
  );
}
