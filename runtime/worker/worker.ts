/// <reference lib="webworker" />
import { createProductRegistry } from '../../nodes/registry';
import { browserServices } from '../host/browser';
import { exposeRuntime } from './expose';
import { Runtime } from './runtime';

/** The module Worker entry of the app: the product's nodes, browser host services, one Runtime. */
exposeRuntime(new Runtime({ registry: createProductRegistry(), services: browserServices(), interactive: true }));
