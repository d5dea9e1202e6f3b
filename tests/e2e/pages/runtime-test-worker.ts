/// <reference lib="webworker" />
import { exposeRuntime } from '../../../worker/expose';
import { Runtime } from '../../../runtime/api/runtime';
import { makeTestNodes } from '../../runtime/test-nodes';

/**
 * A runtime worker with the model-free product nodes plus the unit tests' test nodes (an
 * embedding source, an image maker, a slow node), so the e2e test drives Slerp -> Preview
 * through comlink, transferables and cancellation without a model. Built by
 * tests/e2e/runtime-worker.test.ts (vite library build), loaded from a blob URL.
 */
exposeRuntime(new Runtime({ registry: makeTestNodes().registry, services: {} }));
