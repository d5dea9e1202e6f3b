import type { HostIO } from '../host/io';
import type { MetricService } from '../metrics/service';
import type { ModelService } from '../models/service/model-service';
import type { PickService } from './pick';

/**
 * Everything a host gives nodes, as one typed record: host IO (readBytes, saveBytes, host
 * events), the model service, the metric service, and a person for Pick zones where there is
 * one. Hosts leave out what they lack (a test runtime has no models, a CLI no person); nodes
 * ask through requireService, which names what is missing.
 */
export interface RuntimeServices extends Partial<HostIO> {
  models?: ModelService;
  metrics?: MetricService;
  /** Present only where a person answers Pick zones (the editor's worker). */
  pick?: PickService;
  /** Where files a graph saves go on a host with a file system (the CLI's --out). */
  outDir?: string;
}

/** What the product's hosts give (runtime/api/node-host.ts, browser-host.ts): all but a person. */
export type HostServices = RuntimeServices & HostIO & Required<Pick<RuntimeServices, 'models' | 'metrics'>>;

/** What a runtime without each service cannot do, said the way users meet it. */
const MISSING: Record<'models' | 'metrics' | 'readBytes' | 'saveBytes', string> = {
  models: 'has no model service (services.models)',
  metrics: 'has no metric service (services.metrics)',
  readBytes: 'has no host services (readBytes)',
  saveBytes: 'cannot save files (it provides no saveBytes service)',
};

/** The service `name` of a node's context, or a one-line error naming what this runtime lacks. */
export function requireService<K extends keyof typeof MISSING>(services: RuntimeServices, name: K): NonNullable<RuntimeServices[K]> {
  const service = services[name];
  if (service === undefined || service === null) throw new Error(`this runtime ${MISSING[name]}`);
  return service as NonNullable<RuntimeServices[K]>;
}
