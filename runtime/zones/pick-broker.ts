import type { PickChoice, PickRequest, PickService } from '../node-api/pick';
import type { PreviewImage } from '../events';
import { imageToPngs } from '../png/encode';

/** The `pick-request` event the worker sends the editor (runtime/api/protocol.ts). */
export interface PickRequestEvent {
  type: 'pick-request';
  nodeId: string;
  round: number;
  images: PreviewImage[];
  scores?: number[];
  t: number;
}

/**
 * The worker side of a Pick: turns a request into a `pick-request` event and waits for the
 * editor's `choose(nodeId, choice)` call. A cancelled run rejects the wait.
 */
export class PickBroker implements PickService {
  private readonly waiting = new Map<string, (choice: PickChoice) => void>();

  constructor(private readonly emit: (event: PickRequestEvent) => void) {}

  choose(request: PickRequest, signal: AbortSignal): Promise<PickChoice> {
    return new Promise<PickChoice>((resolve, reject) => {
      if (signal.aborted) return reject(new DOMException('run cancelled', 'AbortError'));
      const onAbort = () => {
        this.waiting.delete(request.nodeId);
        reject(new DOMException('run cancelled', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(request.nodeId, (choice) => {
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(request.nodeId);
        resolve(choice);
      });
      const { nodeId, round, scores, t } = request;
      this.emit({ type: 'pick-request', nodeId, round, images: imageToPngs(request.images), t, ...(scores ? { scores } : {}) });
    });
  }

  /** The editor's answer; false when that node is not waiting (a stale click). */
  answer(nodeId: string, choice: PickChoice): boolean {
    const resolve = this.waiting.get(nodeId);
    if (!resolve) return false;
    if (!('done' in choice) && (!Number.isInteger(choice.index) || choice.index < 0 || !(choice.t >= 0 && choice.t <= 1))) {
      throw new Error(`invalid choice for "${nodeId}": index ${choice.index}, t ${choice.t} (t must be in [0, 1])`);
    }
    resolve(choice);
    return true;
  }
}
