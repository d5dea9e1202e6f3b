import type { SocketType, Value } from '../values/types';

/** A port: its socket type (or the types it accepts), whether it may stay unconnected, and docs. */
export interface PortSpec {
  type: SocketType | readonly SocketType[];
  optional?: boolean;
  doc: string;
}

/** The socket types a port carries or accepts. */
export function portTypes(port: Pick<PortSpec, 'type'>): readonly SocketType[] {
  return typeof port.type === 'string' ? [port.type] : port.type;
}

/**
 * The socket-fit rule, the one place it is written: an output fits an input when they share
 * at least one socket type. Validation, the editor's wiring and the palette all ask here.
 */
export function portsFit(output: Pick<PortSpec, 'type'>, input: Pick<PortSpec, 'type'>): boolean {
  const accepted = portTypes(input);
  return portTypes(output).some((t) => accepted.includes(t));
}

/** True when a value a node produced is of a type its port declares. */
export function valueFits(port: Pick<PortSpec, 'type'>, value: Value): boolean {
  return portTypes(port).includes(value.kind);
}

/** "Image | Latent": how messages and the editor name a port's types. */
export function portLabel(port: Pick<PortSpec, 'type'>): string {
  return portTypes(port).join(' | ');
}
