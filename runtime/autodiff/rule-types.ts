// The shape of a gradient rule: forward node in, one gradient per input out (null: none).
import type { NodeProto } from '../onnx/index';
import type { Emitter } from './emit';

export interface RuleArgs {
  node: NodeProto;
  /** forward input names ("" for an absent optional input) */
  x: string[];
  /** forward output names */
  y: string[];
  /** cotangent per output, null where nothing downstream needs that output */
  g: (string | null)[];
  e: Emitter;
  /** whether input i needs a gradient (lets a rule skip work it would throw away) */
  wants: (i: number) => boolean;
}

/**
 * One per input: a gradient, null for none (an input on the path then fails the build),
 * or '' where a fused rule has already counted that input's share in another input's gradient.
 */
export type Grads = (string | null)[];
export interface Rule {
  grad: (a: RuleArgs) => Grads;
  /** the op broadcasts its inputs numpy-style: the driver unbroadcasts every input gradient */
  broadcast?: boolean;
}
