import { useEffect, useState } from 'react';
import type { NumberListParam, NumberParam, ParamSpec } from '../../runtime/node-api/params';

/** One widget per param kind, chosen from the param spec (bounds, slider and multiline hints). */

interface WidgetProps<S extends ParamSpec = ParamSpec> {
  name: string;
  spec: S;
  value: unknown;
  onChange(value: unknown): void;
  /** Typing ended (blur): the next edit starts a new undo step. */
  onCommit(): void;
}

export function ParamWidget(props: WidgetProps) {
  const { spec, name } = props;
  const label = spec.label ?? name;
  let body;
  switch (spec.kind) {
    case 'number':
      body = <NumberWidget {...(props as WidgetProps<NumberParam>)} />;
      break;
    case 'numberList':
      body = <NumberListWidget {...(props as WidgetProps<NumberListParam>)} />;
      break;
    case 'string':
      body = spec.multiline ? (
        <textarea
          className="w-text"
          rows={3}
          value={String(props.value ?? '')}
          onChange={(e) => props.onChange(e.target.value)}
          onBlur={props.onCommit}
          spellCheck={false}
          data-param={name}
        />
      ) : (
        <input className="w-text" value={String(props.value ?? '')} onChange={(e) => props.onChange(e.target.value)} onBlur={props.onCommit} data-param={name} />
      );
      break;
    case 'enum':
      body = (
        <select className="w-select" value={String(props.value)} onChange={(e) => props.onChange(e.target.value)} data-param={name}>
          {spec.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      body = <input type="checkbox" checked={Boolean(props.value)} onChange={(e) => props.onChange(e.target.checked)} data-param={name} />;
      break;
  }
  const stacked = spec.kind === 'string' && spec.multiline;
  return (
    <label className={stacked ? 'param param-stacked' : 'param'} title={spec.doc}>
      <span className="param-label">{label}</span>
      {body}
    </label>
  );
}

function clamp(v: number, spec: { min?: number; max?: number; integer?: boolean }): number {
  let x = spec.integer ? Math.round(v) : v;
  if (spec.min !== undefined) x = Math.max(spec.min, x);
  if (spec.max !== undefined) x = Math.min(spec.max, x);
  return x;
}

/** A text draft that follows the value unless the user is mid-edit. */
function useDraft(value: string): [string, (s: string) => void, () => void] {
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);
  return [editing ? draft : value, (s) => (setEditing(true), setDraft(s)), () => setEditing(false)];
}

/** The text a number field shows: empty for the spec's "automatic" value (see NumberParam.auto). */
export function numberFieldText(value: number, spec: NumberParam): string {
  return spec.auto && value === spec.auto.value ? '' : String(value);
}

/** What a number field's text sets: undefined while it is no number yet (an empty field is the auto value). */
export function parseNumberField(text: string, spec: NumberParam): number | undefined {
  if (text.trim() === '') return spec.auto?.value;
  const v = Number(text);
  return Number.isFinite(v) ? clamp(v, spec) : undefined;
}

function NumberWidget({ name, spec, value, onChange, onCommit }: WidgetProps<NumberParam>) {
  const num = typeof value === 'number' ? value : spec.default;
  const [text, setText, endEdit] = useDraft(numberFieldText(num, spec));
  const step = spec.step ?? (spec.integer ? 1 : 0.01);
  const update = (s: string) => {
    setText(s);
    const v = parseNumberField(s, spec);
    if (v !== undefined) onChange(v);
  };
  const field = (
    <input
      className="w-number"
      type="number"
      value={text}
      min={spec.min}
      max={spec.max}
      step={step}
      placeholder={spec.auto?.label}
      title={spec.auto ? `Empty: ${spec.auto.label} (${spec.auto.value}). ${spec.doc}` : undefined}
      onChange={(e) => update(e.target.value)}
      onBlur={() => (endEdit(), onCommit())}
      data-param={name}
    />
  );
  if (!spec.slider || spec.min === undefined || spec.max === undefined) return field;
  return (
    <span className="w-slider">
      <input
        type="range"
        min={spec.min}
        max={spec.max}
        step={step}
        value={num}
        onChange={(e) => onChange(clamp(Number(e.target.value), spec))}
        onPointerUp={onCommit}
      />
      {field}
    </span>
  );
}

export function parseNumberList(text: string, spec: NumberListParam): number[] | undefined {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v))) return undefined;
  if (spec.minLength !== undefined && values.length < spec.minLength) return undefined;
  if (spec.maxLength !== undefined && values.length > spec.maxLength) return undefined;
  return values.map((v) => clamp(v, spec));
}

/** Seeds, t values: comma-separated numbers, plus quick buttons to grow the list. */
function NumberListWidget({ name, spec, value, onChange, onCommit }: WidgetProps<NumberListParam>) {
  const list = Array.isArray(value) ? (value as number[]) : spec.default;
  const [text, setText, endEdit] = useDraft(list.join(', '));
  const valid = parseNumberList(text, spec) !== undefined;
  const canGrow = spec.maxLength === undefined || list.length < spec.maxLength;
  const add = (v: number) => (onChange([...list, clamp(v, spec)]), onCommit());
  return (
    <span className="w-list">
      <input
        className={valid ? 'w-text' : 'w-text invalid'}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseNumberList(e.target.value, spec);
          if (parsed) onChange(parsed);
        }}
        onBlur={() => (endEdit(), onCommit())}
        data-param={name}
      />
      {spec.integer && canGrow && (
        <>
          <button className="w-mini" title="Add the next seed" onClick={() => add((list[list.length - 1] ?? 0) + 1)}>
            +1
          </button>
          <button className="w-mini" title="Add a random seed" onClick={() => add(Math.floor(Math.random() * 2 ** 31))}>
            rnd
          </button>
        </>
      )}
    </span>
  );
}
