import type { HostServices, RuntimeServices } from '../node-api/services';
import { MetricService } from '../metrics/service';
import type { RuntimeEvent } from '../events';
import { createBrowserModelService } from '../models/service/browser';
import { BUILTIN_PREFIX, fetchBytes } from '../host/io';

export interface BrowserHostOptions {
  /** Where the app serves the models/ folder; relative to the worker's location. */
  builtinBase?: string;
}

/** Host services for the Worker: everything comes over fetch. */
export function browserServices(extra: RuntimeServices = {}, options: BrowserHostOptions = {}): HostServices {
  const base = new URL(options.builtinBase ?? '/models/', self.location.href);
  const listeners = new Set<(event: RuntimeEvent) => void>();
  return {
    models: createBrowserModelService({ appBase: new URL('../', base).href }),
    metrics: new MetricService(),
    ...extra,
    host: 'browser',
    async readBytes(location, signal) {
      if (location.startsWith(BUILTIN_PREFIX)) return fetchBytes(new URL(location.slice(BUILTIN_PREFIX.length), base), signal);
      return fetchBytes(new URL(location, self.location.href), signal);
    },
    /** No file system here: the file goes to the editor as a `file` event, which offers it as a download. */
    async saveBytes(name, bytes, mime = 'application/octet-stream', nodeId = '') {
      if (listeners.size === 0) throw new Error(`cannot save "${name}": no run is listening for files`);
      // a copy of its own: the event transfers (detaches) its buffer
      const event: RuntimeEvent = { type: 'file', nodeId, name, bytes: bytes.slice(), mime };
      for (const listener of listeners) listener(event);
      return `download ${name}`;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
