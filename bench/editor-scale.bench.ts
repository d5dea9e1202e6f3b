import { pathToFileURL } from 'node:url';
import { launchBrowser, startServer } from '../tests/e2e/harness';
import { report } from './report';

/**
 * Editor scale in Chromium against the built app: time to show a 500-node graph (goal < 1.5 s)
 * and the frame rate while panning it (goal >= 30 fps).
 */
export function bigGraph(count = 500, perRow = 20) {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / perRow);
    const col = i % perRow;
    nodes.push({ id: `n${i}`, type: 'Slerp', params: { t: [0.5] }, position: [col * 320, row * 220] });
    if (col > 0) edges.push({ from: [`n${i - 1}`, 'embedding'], to: [`n${i}`, 'a'] });
  }
  return { format: 'embedding-studio/graph', version: 1, meta: { title: `${count} nodes` }, nodes, edges };
}

export default async function main(): Promise<void> {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
    await page.waitForFunction(() => !!window.studio?.canvas);
    const doc = bigGraph();
    const loadMs = await page.evaluate(async (d) => {
      const { engine, canvas } = window.studio!;
      const start = performance.now();
      engine.load(d as never);
      await canvas!.settled();
      await canvas!.fit();
      // Until every node view is in the DOM and two frames have been drawn.
      while (document.querySelectorAll('[data-node-id]').length < (d as { nodes: unknown[] }).nodes.length) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - start;
    }, doc);
    if ((await page.locator('[data-node-id]').count()) !== 500) throw new Error('not all nodes rendered');
    report('editor.load_500_nodes', loadMs, 'ms');

    // Pan with real pointer drags on empty canvas for ~2 s and count frames in the page.
    // A string, not a function: tsx's name helpers do not exist in the page.
    await page.evaluate(`(() => {
      window.__frames = 0;
      window.__counting = true;
      const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const start = Date.now();
    await page.mouse.move(700, 450);
    await page.mouse.down();
    let i = 0;
    while (Date.now() - start < 2000) {
      const a = (i++ / 30) * Math.PI;
      await page.mouse.move(700 + 300 * Math.cos(a), 450 + 200 * Math.sin(a));
    }
    await page.mouse.up();
    const elapsed = (Date.now() - start) / 1000;
    const frames = (await page.evaluate('window.__counting = false, window.__frames')) as number;
    report('editor.pan_500_nodes', frames / elapsed, 'fps');
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
