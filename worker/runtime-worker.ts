/// <reference lib="webworker" />
import { createProductRegistry } from '../nodes/product';
import { browserServices } from '../runtime/api/browser-host';
import { exposeRuntime } from './expose';
import { Runtime } from '../runtime/api/runtime';

/** The module Worker entry of the app: the product's nodes, browser host services, one Runtime. */
exposeRuntime(new Runtime({ registry: createProductRegistry(), services: browserServices(), interactive: true }));
