/** The vocabulary every floor speaks: validation problems, run events, previews and run summaries. */

/** One validation problem; `nodeId`/`port`/`param` say where (name what is at fault). */
export interface Problem {
  message: string;
  nodeId?: string;
  port?: string;
  param?: string;
}

export interface PreviewImage {
  png: Uint8Array;
  width: number;
  height: number;
  label?: string;
}

export type RuntimeEvent =
  | { type: 'run-start'; runId: number; nodes: string[] }
  | { type: 'node-start'; nodeId: string }
  /** `message`: a status line for the node (GradientStep: the memory its gradient step plans to use). */
  | { type: 'node-progress'; nodeId: string; value: number; max: number; message?: string }
  | { type: 'node-preview'; nodeId: string; images: PreviewImage[] }
  /** `stopped`: a zone a person stopped early ("Stop and use best"); it handed on its best so far. */
  | { type: 'node-done'; nodeId: string; cached: boolean; ms: number; scores?: number[]; stopped?: true }
  | { type: 'node-error'; nodeId: string; message: string }
  /** A zone finished an iteration: its objective value, for the live loss plot. */
  | { type: 'zone-iteration'; nodeId: string; step: number; objective: number; goal?: 'minimize' | 'maximize' }
  /**
   * A Pick zone waits for a person: show `images` (one per candidate), a slider starting at
   * `t`, Next/Done; answer with RuntimeApi.choose(nodeId, choice). See runtime/zones/pick-broker.ts.
   */
  | { type: 'pick-request'; nodeId: string; round: number; images: PreviewImage[]; scores?: number[]; t: number }
  /**
   * Where models run (runtime/ort/backend.ts): `native` (with its device) only in Node hosts.
   * With `source`: where that model runs and, in `reason` (short) and `notice`, why: measured
   * (`timings`: one UNet step, ms), a software adapter, or a person's choice (RuntimeApi.setBackend).
   */
  | {
      type: 'backend';
      name: 'webgpu' | 'wasm' | 'native';
      device?: 'cuda' | 'cpu';
      notice?: string;
      source?: string;
      reason?: string;
      adapter?: { label: string; software: boolean };
      timings?: { webgpu: number; wasm: number };
    }
  | { type: 'model-progress'; source: string; loaded: number; total: number }
  /**
   * A node saved a file (SaveEmbedding) on a host without a file system (the browser): the
   * editor offers `bytes` as a download named `name`. The bytes cross as a transferable.
   */
  | { type: 'file'; nodeId: string; name: string; bytes: Uint8Array; mime: string }
  | { type: 'run-end'; runId: number; status: 'ok' | 'error' | 'cancelled' };

export interface NodeRunSummary {
  status: 'ok' | 'error' | 'cached' | 'skipped' | 'cancelled';
  ms: number;
  cached: boolean;
  scores?: number[];
  error?: string;
  /** A zone stopped early by a person (RuntimeApi.stopZone). */
  stopped?: true;
}

export interface RunSummary {
  status: 'ok' | 'error' | 'cancelled';
  nodes: Record<string, NodeRunSummary>;
  /** Why nothing ran: the document was invalid (call `validate` first to show these). */
  problems?: Problem[];
}

