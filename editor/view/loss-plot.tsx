import { useEffect, useState, type MouseEvent } from 'react';
import { createPortal } from 'react-dom';
import { Drag } from 'rete-react-plugin';
import { nearestIndex, plotModel, tickText, type PlotPoint } from '../state/plot';

interface Size {
  w: number;
  h: number;
  left: number;
  bottom: number;
}
const SMALL: Size = { w: 216, h: 96, left: 40, bottom: 14 };
const LARGE: Size = { w: 760, h: 380, left: 64, bottom: 22 };

/**
 * A zone's objective per iteration: axes, the best step marked, the value under the pointer, and
 * what "better" means (editor/state/plot.ts), per stage where the goal changes during the run.
 * A click opens it large; Esc or a click closes.
 */
export function LossPlot({ history, result }: { history: PlotPoint[]; result?: unknown }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // this Esc closes the view; it must not also reach the shortcut that cancels the run
      e.stopPropagation();
      setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  if (!history.length) return null;
  return (
    <Drag.NoDrag>
      <div className="plot" data-testid="loss-plot">
        <PlotSvg history={history} result={result} size={SMALL} onClick={() => setOpen(true)} />
        {open &&
          createPortal(
            <div className="plot-dialog" data-testid="plot-dialog" onClick={() => setOpen(false)}>
              <div className="plot-dialog-body" onClick={(e) => e.stopPropagation()}>
                <PlotSvg history={history} result={result} size={LARGE} />
              </div>
            </div>,
            document.body,
          )}
      </div>
    </Drag.NoDrag>
  );
}

function PlotSvg({ history, result, size, onClick }: { history: PlotPoint[]; result?: unknown; size: Size; onClick?: () => void }) {
  const [hover, setHover] = useState<number | undefined>();
  const model = plotModel(history, { result })!;
  const { w, h, left, bottom } = size;
  const top = 6;
  const right = 8;
  const span = Math.max(model.lastStep - model.firstStep, 1);
  const x = (step: number) => left + ((step - model.firstStep) / span) * (w - left - right);
  const y = (v: number) => top + ((model.hi - v) / (model.hi - model.lo)) * (h - top - bottom);
  const points = history.map((p) => `${x(p.step).toFixed(1)},${y(p.objective).toFixed(1)}`).join(' ');
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * w;
    setHover(nearestIndex(history, model.firstStep + ((px - left) / (w - left - right)) * span));
  };
  const shown = hover !== undefined ? history[hover] : undefined;
  const last = history[history.length - 1];
  return (
    <figure className="plot-figure">
      <svg
        viewBox={`0 0 ${w} ${h}`}
        width="100%"
        onMouseMove={onMove}
        onMouseLeave={() => setHover(undefined)}
        onClick={onClick}
        style={onClick ? { cursor: 'zoom-in' } : undefined}
      >
        <line className="axis" x1={left} y1={top} x2={left} y2={h - bottom} />
        <line className="axis" x1={left} y1={h - bottom} x2={w - right} y2={h - bottom} />
        {model.yTicks.map((v) => (
          <g key={v}>
            <line className="grid" x1={left} x2={w - right} y1={y(v)} y2={y(v)} />
            <text className="tick" x={left - 4} y={y(v) + 3} textAnchor="end">
              {tickText(v, (model.hi - model.lo) / 2)}
            </text>
          </g>
        ))}
        <text className="tick" x={left} y={h - 3} textAnchor="start">
          {model.firstStep}
        </text>
        <text className="tick" x={w - right} y={h - 3} textAnchor="end">
          {model.lastStep}
        </text>
        {model.stages.length > 1 &&
          model.stages.map((st, i) => (
            <g key={st.fromStep} data-testid="plot-stage">
              {i > 0 && <line className="stage-line" x1={x(st.fromStep)} x2={x(st.fromStep)} y1={top} y2={h - bottom} />}
              <text className="tick" x={x(st.fromStep) + 3} y={top + 9}>
                {st.arrow}
              </text>
            </g>
          ))}
        <polyline points={points} />
        {model.best && (
          <g data-testid="plot-best">
            <line className="best-line" x1={x(model.best.step)} x2={x(model.best.step)} y1={top} y2={h - bottom} />
            <circle className="best" cx={x(model.best.step)} cy={y(model.best.objective)} r={3.5} />
          </g>
        )}
        {shown && <circle className="hover" cx={x(shown.step)} cy={y(shown.objective)} r={3} />}
      </svg>
      <figcaption className="plot-legend">
        <span data-testid="plot-label" title={model.note}>
          {model.label ? `${model.label}${model.note ? ` ${model.note}` : ''}` : 'objective'}
        </span>
        <span data-testid="plot-value">
          {shown
            ? `step ${shown.step}: ${shown.objective.toPrecision(4)}`
            : model.best
              ? `best ${model.best.objective.toPrecision(4)} at ${model.best.step}`
              : `step ${last.step}: ${last.objective.toPrecision(4)}`}
        </span>
      </figcaption>
    </figure>
  );
}
