import * as web from 'onnxruntime-web';
import type { Backend } from './backend';

/** Both onnxruntime packages export the onnxruntime-common API; sessions use one or the other. */
export type OrtModule = typeof web;

/** What a Node host registers so that `native` sessions can be made (runtime/ort/native.ts). */
export interface NativeOrt {
  /** Loads onnxruntime-node: lazily, so a host that never asks for it never loads the addon. */
  load(): Promise<OrtModule>;
  /** Why the CUDA provider cannot be tried on this machine (not installed), or undefined to try it. */
  cudaMissing?(): string | undefined;
}

let native: NativeOrt | undefined;
let loaded: Promise<OrtModule> | undefined;

/**
 * The session layer imports only onnxruntime-web, so the browser bundle never sees
 * onnxruntime-node; Node hosts hand the native module in here. Returns the restore (tests).
 */
export function registerNativeOrt(next: NativeOrt | undefined): () => void {
  const before = { native, loaded };
  native = next;
  loaded = undefined;
  return () => ({ native, loaded } = before);
}

export function nativeOrt(): NativeOrt | undefined {
  return native;
}

/** The onnxruntime package that runs sessions on `backend`; loads onnxruntime-node once. */
export function ortFor(backend: Backend): Promise<OrtModule> {
  if (backend.name !== 'native') return Promise.resolve(web);
  if (!native) return Promise.reject(new Error('the native backend (onnxruntime-node) runs only in Node hosts'));
  if (!loaded) {
    const attempt = native.load().then((ort) => {
      ort.env.logLevel = 'error';
      return ort;
    });
    // a failed load is not kept: the next call tries again
    attempt.catch(() => loaded === attempt && (loaded = undefined));
    loaded = attempt;
  }
  return loaded;
}
