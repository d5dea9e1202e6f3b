import type { ParamSpec } from './params';
import type { PortSpec } from './ports';

/** Serializable description of a node type, for the editor's palette and node views (no functions). */
export interface NodeTypeInfo {
  type: string;
  category: string;
  doc: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: Record<string, ParamSpec>;
  zone?: 'gradient' | 'pick';
}
