import * as Comlink from 'comlink';
import type { RuntimeApi } from '../runtime/api/protocol';
import type { RuntimeEvent } from '../runtime/events';
import type { Runtime } from '../runtime/api/runtime';

function withTransfer(event: RuntimeEvent): RuntimeEvent {
  if (event.type === 'file') return Comlink.transfer(event, [event.bytes.buffer as ArrayBuffer]);
  if (event.type !== 'node-preview') return event;
  return Comlink.transfer(event, event.images.map((image) => image.png.buffer as ArrayBuffer));
}

/**
 * Serves a Runtime over comlink from inside a Worker. The caller passes its event callback
 * wrapped in Comlink.proxy(); preview PNGs and saved files cross as transferables, not copies.
 */
export function exposeRuntime(runtime: Runtime, endpoint: Comlink.Endpoint = self as unknown as Comlink.Endpoint): void {
  const api: RuntimeApi = {
    nodeTypes: () => runtime.nodeTypes(),
    validate: (doc) => runtime.validate(doc),
    async run(doc, options, onEvent) {
      const remote = onEvent as Comlink.Remote<(event: RuntimeEvent) => void>;
      try {
        // Events travel on the callback's own MessagePort, results on the worker's: returning
        // the delivery lets the runtime finish a run only once its last event (run-end) landed.
        return await runtime.run(doc, options, (event) => remote(withTransfer(event)));
      } finally {
        remote[Comlink.releaseProxy]();
      }
    },
    cancel: () => runtime.cancel(),
    stopZone: (nodeId) => runtime.stopZone(nodeId),
    registerFolder: (name, folder) => runtime.registerFolder(name, folder),
    choose: (nodeId, choice) => runtime.choose(nodeId, choice),
    setBackend: (source, choice) => runtime.setBackend(source, choice),
  };
  Comlink.expose(api, endpoint);
}
