import type * as ort from 'onnxruntime-web';
import type { Tensor } from '../values/types';
import { backendLabel, backendSessionOptions, type Backend } from './backend';
import { readFloat32, toOrtTensor, type HostData } from './convert';
import { ortFor, type OrtModule } from './registry';

/** A tensor as the model declares it: dims are numbers, or names for free dims ("batch"). */
export interface TensorInfo {
  name: string;
  dtype: string;
  shape: (number | string)[];
}

export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

export interface SessionOptions {
  backend: Backend;
  /** Files the model's initializers point at (model.onnx_data, weights.pb). */
  externalData?: ExternalFile[];
  /**
   * WebGPU: outputs stay in GPU buffers (`preferredOutputLocation: 'gpu-buffer'`), so
   * `runTensors` can chain sessions without a round trip; `run` still reads them back.
   */
  outputsOnGpu?: boolean;
}

export interface HostTensor {
  data: HostData;
  dims: readonly number[];
}

/**
 * One ONNX model on one backend, onnxruntime-web's or onnxruntime-node's (the same code
 * drives both). Runs are queued: onnxruntime-web must never see two `run()` calls on a
 * session at once. `file` names the model in every error.
 */
export class Session {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    readonly file: string,
    readonly backend: Backend,
    private readonly ort: OrtModule,
    private readonly inner: ort.InferenceSession,
  ) {
    this.inputs = inner.inputMetadata.map(describe);
    this.outputs = inner.outputMetadata.map(describe);
  }

  static async create(file: string, model: Uint8Array, options: SessionOptions): Promise<Session> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      ...backendSessionOptions(options.backend),
      graphOptimizationLevel: 'all',
      // Node-placement notices ("some nodes were not assigned to the preferred EP") are expected: shape ops run on CPU.
      logSeverityLevel: 3,
      externalData: options.externalData?.map((f) => ({ path: f.path, data: f.data })),
      ...(options.outputsOnGpu && options.backend.name === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    };
    try {
      const ort = await ortFor(options.backend);
      return new Session(file, options.backend, ort, await ort.InferenceSession.create(model, sessionOptions));
    } catch (error) {
      throw new Error(`${file}: onnxruntime could not load it on ${backendLabel(options.backend)}: ${message(error)}`);
    }
  }

  input(name: string): TensorInfo | undefined {
    return this.inputs.find((t) => t.name === name);
  }

  output(name: string): TensorInfo | undefined {
    return this.outputs.find((t) => t.name === name);
  }

  /**
   * Runs with host tensors converted to each input's declared dtype; returns the named
   * outputs as float32. Every ORT tensor made or returned here is disposed before it resolves.
   */
  run(feeds: Record<string, HostTensor>, fetches: readonly string[]): Promise<Record<string, Tensor>> {
    return this.enqueue(async () => {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const info = this.input(name);
        if (!info) throw new Error(`${this.file}: has no input "${name}"`);
        ortFeeds[name] = toOrtTensor(info.dtype, t.data, t.dims, this.ort.Tensor);
      }
      let results: ort.InferenceSession.OnnxValueMapType;
      try {
        results = await this.inner.run(ortFeeds, fetches as string[]);
      } catch (error) {
        throw new Error(`${this.file}: run failed: ${message(error)}`);
      } finally {
        for (const t of Object.values(ortFeeds)) t.dispose();
      }
      const out: Record<string, Tensor> = {};
      for (const name of Object.keys(results)) {
        const t = results[name] as ort.Tensor;
        if (fetches.includes(name)) out[name] = await readFloat32(t);
        else t.dispose();
      }
      return out;
    });
  }

  /**
   * Runs with ORT tensors (kept where they are: a GPU buffer stays on the GPU) or host
   * tensors (converted to the input's dtype). The caller owns and disposes the returned
   * tensors; tensors it passed in stay its own.
   */
  runTensors(feeds: Record<string, ort.Tensor | HostTensor>, fetches: readonly string[]): Promise<Record<string, ort.Tensor>> {
    return this.enqueue(async () => {
      const made: ort.Tensor[] = [];
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        if (isOrtTensor(t, this.ort)) {
          ortFeeds[name] = t;
          continue;
        }
        const info = this.input(name);
        if (!info) throw new Error(`${this.file}: has no input "${name}"`);
        made.push((ortFeeds[name] = toOrtTensor(info.dtype, t.data, t.dims, this.ort.Tensor)));
      }
      try {
        const results = await this.inner.run(ortFeeds, fetches as string[]);
        const out: Record<string, ort.Tensor> = {};
        for (const name of Object.keys(results)) {
          if (fetches.includes(name)) out[name] = results[name] as ort.Tensor;
          else (results[name] as ort.Tensor).dispose();
        }
        return out;
      } catch (error) {
        throw new Error(`${this.file}: run failed: ${message(error)}`);
      } finally {
        for (const t of made) t.dispose();
      }
    });
  }

  /** Waits for queued runs, then frees the session. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.tail.catch(() => undefined);
    await this.inner.release();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new Error(`${this.file}: session was disposed`));
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

function isOrtTensor(t: ort.Tensor | HostTensor, module: OrtModule): t is ort.Tensor {
  return t instanceof module.Tensor;
}

function describe(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non-tensor', shape: [] };
  return { name: meta.name, dtype: meta.type, shape: [...meta.shape] };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
