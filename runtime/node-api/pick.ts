import type { ImageValue } from '../values/types';

/** What a Pick zone asks a person each round: which candidate, and how far to move (t). */
export interface PickRequest {
  nodeId: string;
  round: number;
  images: ImageValue;
  labels?: string[];
  /** The `score` input's values, when connected: shown next to each candidate. */
  scores?: number[];
  /** The slider's starting value (the node's `t` param). */
  t: number;
}

/** A person's answer: move toward candidate `index` by `t`, or stop ("Done"). */
export type PickChoice = { index: number; t: number } | { done: true };

/** Hosts with a person at the screen provide `services.pick`; headless hosts leave it out. */
export interface PickService {
  choose(request: PickRequest, signal: AbortSignal): Promise<PickChoice>;
}
