import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { REPO, scriptArgv } from '../runtime/cli-spawn';

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process whose stderr and stdout lines are kept, with a way to wait for one. */
export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  private onLine?: (line: string) => void;

  constructor(readonly child: ChildProcess) {
    let buffer = '';
    const take = (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.lines.push(line);
        this.onLine?.(line);
        this.waiters = this.waiters.filter((w) => !(w.test(line) && (w.resolve(line), true)));
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first line (already seen or to come) that matches. */
  waitFor(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test: (l) => pattern.test(l), resolve }));
  }

  /** Calls `fn` on every line from now on, synchronously as it arrives. */
  watch(fn: (line: string) => void): void {
    this.onLine = fn;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** `npm run graph -- ARGS`, as the package.json script starts it. */
export function graphCli(args: string[]): Proc {
  const [node, ...script] = scriptArgv('graph');
  return new Proc(spawn(node, [...script, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Debian's redis-server on `port`, with its append-only file in `dir`. */
export class RedisServer {
  private proc?: Proc;
  constructor(readonly port: number, readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', this.dir, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = new Proc(child);
    await this.proc.waitFor(/Ready to accept connections/);
    // and it answers (a restart has loaded its append-only file by then)
    const client = new Redis(this.url, { maxRetriesPerRequest: 3 });
    try {
      await client.ping();
    } finally {
      client.disconnect();
    }
  }

  /** A clean shutdown (SIGTERM): Redis writes its append-only file out and exits. */
  async stop(): Promise<void> {
    this.proc?.kill('SIGTERM');
    await this.proc?.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
