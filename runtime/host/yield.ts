/**
 * Lets the host's event loop run pending tasks (a worker's incoming `cancel()` message)
 * before the next unit of work. Awaiting a wasm inference resolves through microtasks only,
 * so without this a long loop of them never reads its messages until it ends.
 * A MessageChannel task is used because timers are clamped to >= 1-4 ms in browsers.
 */
export function yieldToHost(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
