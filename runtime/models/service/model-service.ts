import type { RuntimeEvent } from '../../events';
import { chooseBackend, configureOrt, fallbackFor, type Backend, type BackendName, type GpuLike } from '../../ort/env';
import type { ModelFiles } from '../files/model-files';
import { pickedFolderFiles, type PickedFolder } from '../files/folder';
import { httpFolderFiles, type HttpFilesOptions } from '../files/http';
import { loadModel } from '../loader';
import type { DiffusionModel } from '../model';
import { checkFolderName, parseSource } from '../files/source';

export type ModelEvent = Extract<RuntimeEvent, { type: 'backend' | 'model-progress' }>;

export interface ModelServiceOptions {
  /** Where `builtin:<name>` lives on this host: models/<name> on disk (Node), ./models/<name>/ (browser). */
  builtin(name: string): ModelFiles;
  /** Pin a backend (tests, benchmarks, `native` for Node hosts); default: WebGPU where the browser has it, else wasm. */
  backend?: BackendName;
  /** Stands in for navigator.gpu (tests). */
  gpu?: GpuLike;
  /** Browser: URL of the app's ./ort/ folder with onnxruntime-web's wasm files. */
  wasmPaths?: string;
  http?: HttpFilesOptions;
  /** Folders loadable as `folder:<name>` from the start (Node hosts: local folders given by path). */
  folders?: Record<string, ModelFiles>;
}

/**
 * Loads models once per source and keeps them while the runtime lives; hosts expose it to
 * nodes as `services.models`. Also holds the folders the user picked (`folder:<name>`).
 */
export class ModelService {
  private readonly loaded = new Map<string, Promise<DiffusionModel>>();
  private readonly folders = new Map<string, ModelFiles>();
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  private backend?: Promise<Backend>;

  constructor(private readonly options: ModelServiceOptions) {
    configureOrt({ wasmPaths: options.wasmPaths });
    for (const [name, files] of Object.entries(options.folders ?? {})) this.setFolder(name, files);
  }

  /**
   * Makes a picked folder (or a local one: runtime/models/files/node.ts) loadable as
   * `folder:<name>`. Re-registering a name replaces the folder and drops a model loaded from
   * the old one.
   */
  async registerFolder(name: string, folder: PickedFolder | ModelFiles): Promise<void> {
    const source = this.setFolder(name, folder);
    await this.evict(source);
  }

  folderNames(): string[] {
    return [...this.folders.keys()];
  }

  /** Listen to `backend` and `model-progress` events; returns the unsubscribe. */
  onEvent(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  load(source: string, signal?: AbortSignal): Promise<DiffusionModel> {
    let model = this.loaded.get(source);
    if (!model) {
      model = this.open(source, signal);
      this.loaded.set(source, model);
      // a failed load is not cached: fixing the folder and running again must retry
      model.catch(() => this.loaded.get(source) === model && this.loaded.delete(source));
    }
    return model;
  }

  async dispose(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map((m) => m.then((x) => x.dispose(), () => undefined)));
  }

  private setFolder(name: string, folder: PickedFolder | ModelFiles): string {
    checkFolderName(name);
    const source = `folder:${name}`;
    this.folders.set(name, 'read' in folder ? folder : pickedFolderFiles(folder, source));
    return source;
  }

  private async open(source: string, signal?: AbortSignal): Promise<DiffusionModel> {
    const files = this.files(source);
    const backend = await (this.backend ??= this.pickBackend());
    const onProgress = throttled((loaded: number, total: number) => this.emit({ type: 'model-progress', source, loaded, total }));
    try {
      return await loadModel(files, { id: source, backend, onProgress, signal });
    } catch (error) {
      // a GPU backend can refuse a model (an op or dtype it lacks): run it on the CPU and say so
      const fallback = fallbackFor(backend, source, error);
      if (!fallback) throw error;
      this.emit({ type: 'backend', ...fallback });
      return loadModel(files, { id: source, backend: fallback, onProgress, signal });
    } finally {
      onProgress.flush();
    }
  }

  private async pickBackend(): Promise<Backend> {
    const backend = await chooseBackend(this.options.backend, this.options.gpu ?? (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu);
    this.emit({ type: 'backend', ...backend });
    return backend;
  }

  private files(source: string): ModelFiles {
    const parsed = parseSource(source);
    switch (parsed.kind) {
      case 'builtin':
        return this.options.builtin(parsed.name);
      case 'url':
        return httpFolderFiles(parsed.url, source, this.options.http);
      case 'folder': {
        const files = this.folders.get(parsed.name);
        if (!files) {
          throw new Error(`${source} is not registered: pick the folder again (picked folders are not saved with the graph)`);
        }
        return files;
      }
    }
  }

  private async evict(source: string): Promise<void> {
    const old = this.loaded.get(source);
    this.loaded.delete(source);
    await old?.then((m) => m.dispose(), () => undefined);
  }

  private emit(event: ModelEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** At most one progress event per 100 ms per load, plus the final one. */
function throttled(report: (loaded: number, total: number) => void) {
  let last = 0;
  let pending: [number, number] | undefined;
  const fn = (loaded: number, total: number) => {
    pending = [loaded, total];
    const now = Date.now();
    if (now - last < 100 && loaded < total) return;
    last = now;
    report(loaded, total);
    pending = undefined;
  };
  fn.flush = () => pending && report(...pending);
  return fn;
}
