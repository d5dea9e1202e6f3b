import type { RuntimeEvent } from '../../events';
import { chooseBackend, configureOrt, fallbackFor, type Backend, type BackendName, type GpuLike } from '../../ort/env';
import type { ModelFiles } from '../files/model-files';
import { pickedFolderFiles, type PickedFolder } from '../files/folder';
import { httpFolderFiles, type HttpFilesOptions } from '../files/http';
import { loadModel } from '../loader';
import type { DiffusionModel } from '../model';
import { checkFolderName, parseSource } from '../files/source';
import { decideBackend, TRIAL_MAX_BYTES } from './backend-trial';

/** A person's pick for one model: `auto` measures (browser) or takes the host's backend. */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

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
  private readonly choices = new Map<string, Exclude<BackendChoice, 'auto'>>();

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

  /**
   * Where `source` runs from now on: `auto` (in a browser with WebGPU, measured when the model
   * loads) or pinned. A model loaded on another backend is released; the next load obeys.
   */
  async setBackendChoice(source: string, choice: BackendChoice): Promise<void> {
    if (choice === 'auto') this.choices.delete(source);
    else this.choices.set(source, choice);
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
    const base = await (this.backend ??= this.pickBackend());
    let bytes = 0;
    const progress = throttled((loaded: number, total: number) => this.emit({ type: 'model-progress', source, loaded, total }));
    const onProgress = (loaded: number, total: number) => {
      bytes = total;
      progress(loaded, total);
    };
    const load = (backend: Backend) => loadModel(files, { id: source, backend, onProgress, signal });
    const loadOr = async (backend: Backend) => {
      try {
        return await load(backend);
      } catch (error) {
        // a GPU backend can refuse a model (an op or dtype it lacks): run it on the CPU and say so
        const fallback = fallbackFor(backend, source, error);
        if (!fallback) throw error;
        this.emit({ type: 'backend', source, ...fallback });
        return load(fallback);
      }
    };
    try {
      const chosen = this.choices.get(source);
      if (chosen) {
        // pinned where the host runs anyway: the host's backend event says so already
        if (chosen === base.name) return await loadOr(base);
        const backend: Backend = chosen === 'wasm' ? { name: 'wasm' } : base;
        const [reason, notice] = chosen === 'wasm' ? ['chosen', `Chosen for ${source} in the toolbar.`] : ['no WebGPU', `${source} is pinned to WebGPU, which is not available here.`];
        this.emit({ type: 'backend', source, ...backend, reason, notice });
        return await loadOr(backend);
      }
      // pinned by the host (tests, the CLI) or no WebGPU: nothing to choose between
      if (this.options.backend || base.name !== 'webgpu') return await loadOr(base);
      const decision = await decideBackend({
        adapter: base.adapter ?? { label: 'unnamed adapter', software: false },
        loadGpu: () => loadOr(base),
        loadWasm: () => load({ name: 'wasm' }),
        trial: () => bytes <= TRIAL_MAX_BYTES,
      });
      if (decision.backend) this.emit({ type: 'backend', source, ...decision.backend, ...(decision.timings ? { timings: decision.timings } : {}) });
      return decision.model;
    } finally {
      progress.flush();
    }
  }

  private async pickBackend(): Promise<Backend> {
    const backend = await chooseBackend(this.options.backend, this.options.gpu ?? (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu);
    // the adapter is for the choice per model (backend-trial.ts), whose own event tells it
    const { adapter: _adapter, ...shown } = backend;
    this.emit({ type: 'backend', ...shown });
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
