import type { RuntimeServices } from '../../nodes/types';
import { createBrowserModelService } from '../models/service-browser';
import { BUILTIN_PREFIX, fetchBytes, type HostServices } from './services';

export interface BrowserHostOptions {
  /** Where the app serves the models/ folder; relative to the worker's location. */
  builtinBase?: string;
}

/** Host services for the Worker: everything comes over fetch. */
export function browserServices(extra: RuntimeServices = {}, options: BrowserHostOptions = {}): HostServices {
  const base = new URL(options.builtinBase ?? '/models/', self.location.href);
  return {
    models: createBrowserModelService({ appBase: new URL('../', base).href }),
    ...extra,
    host: 'browser',
    async readBytes(location, signal) {
      if (location.startsWith(BUILTIN_PREFIX)) return fetchBytes(new URL(location.slice(BUILTIN_PREFIX.length), base), signal);
      return fetchBytes(new URL(location, self.location.href), signal);
    },
  };
}
