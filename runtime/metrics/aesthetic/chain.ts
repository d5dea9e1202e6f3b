import { buildVjpModel } from '../../autodiff/index';
import { Session, type ExternalFile } from '../../ort/session';
import type { Backend } from '../../ort/env';
import type { Tensor } from '../../values/types';

/** One single-input, single-output ONNX model in a chain; its gradient model is built on first use. */
export class Stage {
  private vjp?: Promise<Session>;
  private constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
    private readonly external: ExternalFile[],
    private readonly backend: Backend,
    readonly session: Session,
    readonly input: string,
    readonly output: string,
  ) {}

  static async create(name: string, bytes: Uint8Array, backend: Backend, external: ExternalFile[] = [], output?: string): Promise<Stage> {
    const session = await Session.create(name, bytes, { backend, externalData: external });
    const float = session.inputs.filter((i) => i.dtype.startsWith('float'));
    if (float.length !== 1) throw new Error(`${name}: expected one float input, found ${session.inputs.map((i) => i.name).join(', ')}`);
    const out = output && session.output(output) ? output : session.outputs[0]?.name;
    if (!out) throw new Error(`${name}: has no outputs`);
    return new Stage(name, bytes, external, backend, session, float[0].name, out);
  }

  async forward(x: Tensor): Promise<Tensor> {
    return (await this.session.run({ [this.input]: x }, [this.output]))[this.output];
  }

  async backward(x: Tensor, g: Tensor): Promise<Tensor> {
    this.vjp ??= (async () => {
      const v = buildVjpModel(this.bytes, { wrt: [this.input], of: this.output, includeOutput: false });
      return Session.create(`${this.name} (vjp)`, v.model, { backend: this.backend, externalData: [...(v.externalData ?? []), ...this.external] });
    })();
    const session = await this.vjp;
    const name = `grad_${this.input}`;
    return (await session.run({ [this.input]: x, [`grad_${this.output}`]: g }, [name]))[name];
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
    await (await this.vjp?.catch(() => undefined))?.dispose();
  }
}

/**
 * Models applied one after the other. Their VJPs chain in reverse: each stage gets the
 * gradient of its output and returns that of its input (the chain rule, one model at a time,
 * so a big user-supplied model never has to be merged into ours).
 */
export class Chain {
  constructor(readonly stages: Stage[]) {}

  async forward(x: Tensor): Promise<{ y: Tensor; inputs: Tensor[] }> {
    const inputs: Tensor[] = [];
    let y = x;
    for (const s of this.stages) {
      inputs.push(y);
      y = await s.forward(y);
    }
    return { y, inputs };
  }

  async backward(inputs: Tensor[], gy: Tensor): Promise<Tensor> {
    let g = gy;
    for (let i = this.stages.length - 1; i >= 0; i--) g = await this.stages[i].backward(inputs[i], g);
    return g;
  }
}
