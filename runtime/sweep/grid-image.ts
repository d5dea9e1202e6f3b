import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { ADVANCE, GLYPH_HEIGHT, glyph } from './font5x7';
import type { SweepPlan } from './plan';
import type { CellResult } from './run-cell';
import type { SweepValue } from './spec';

/** An RGB canvas, 8 bits a channel. */
class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, fill = 255) {
    this.data = new Uint8Array(width * height * 3).fill(fill);
  }

  rect(x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.data.set(rgb, (yy * this.width + xx) * 3);
    }
  }

  /** One line of 5×7 text, each font pixel `scale` pixels square. */
  text(x: number, y: number, line: string, scale: number, rgb: readonly number[] = [0, 0, 0]): void {
    [...line].forEach((char, i) => {
      glyph(char).forEach((bits, col) => {
        for (let row = 0; row < GLYPH_HEIGHT; row++) if (bits & (1 << row)) this.rect(x + (i * ADVANCE + col) * scale, y + row * scale, scale, scale, rgb);
      });
    });
  }

  /** Copies a decoded PNG in (gray, RGB or RGBA, 8 or 16 bits), each pixel `zoom` pixels square. */
  image(x: number, y: number, png: ReturnType<typeof decode>, zoom: number): void {
    const { width, height, channels, data } = png;
    const shift = png.depth === 16 ? 8 : 0;
    for (let yy = 0; yy < height * zoom && y + yy < this.height; yy++) {
      for (let xx = 0; xx < width * zoom && x + xx < this.width; xx++) {
        const at = (Math.floor(yy / zoom) * width + Math.floor(xx / zoom)) * channels;
        const to = ((y + yy) * this.width + x + xx) * 3;
        for (let ch = 0; ch < 3; ch++) this.data[to + ch] = data[at + (channels >= 3 ? ch : 0)] >> shift;
      }
    }
  }
}

/** Breaks `text` into at most `lines` lines of `width` characters; the last one ends in ".." when cut. */
export function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  while (rest && out.length < lines) {
    if (rest.length <= width) {
      out.push(rest);
      rest = '';
      break;
    }
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest && out.length) out[out.length - 1] = `${out[out.length - 1].slice(0, Math.max(0, width - 2))}..`;
  return out;
}

const show = (v: SweepValue) => (Array.isArray(v) ? v.join(',') : String(v));
const GAP = 2;
const PAD = 4;
const COLORS = { error: [235, 170, 170], missing: [215, 215, 215] } as const;

/**
 * The grid as one PNG: the last axis across (its name and values on top), the other axes down
 * (their values on the left, one line each), each cell's first `image` preview in its place.
 * A failed cell is a red tile that says so, a cell without an image a gray one.
 */
export function gridPng(plan: SweepPlan, results: (id: string) => CellResult | undefined, out: string, image: string): Uint8Array {
  const across = plan.axes.at(-1);
  const down = plan.axes.slice(0, -1);
  const columns = across?.values.length ?? 1;
  const rows = Math.max(1, plan.cells.length / columns);
  const tiles = plan.cells.map((cell) => {
    const path = join(out, cell.dir, `${image}-0.png`);
    return existsSync(path) && results(cell.id)?.status === 'ok' ? decode(readFileSync(path)) : undefined;
  });
  // small images (the built-in model's 64 px) are enlarged so that the grid is readable
  const imageW = Math.max(...tiles.map((t) => t?.width ?? 0));
  const zoom = imageW > 0 ? Math.max(1, Math.floor(128 / imageW)) : 1;
  const tileW = Math.max(48, imageW * zoom);
  const tileH = Math.max(48, ...tiles.map((t) => (t?.height ?? 0) * zoom));
  const scale = Math.max(1, Math.floor(tileW / 128));
  const lineH = (GLYPH_HEIGHT + 2) * scale;
  const charsPerTile = Math.floor((tileW - 2) / (ADVANCE * scale));
  const labelW = down.length ? Math.max(tileW, 20 * ADVANCE * scale) : 0;
  const charsPerLabel = Math.floor((labelW - PAD) / (ADVANCE * scale));
  const headLines = across ? 1 + Math.max(...across.values.map((v) => wrap(show(v), charsPerTile, 3).length)) : 0;
  const rowLines = down.map((axis) => Math.max(...axis.values.map((v) => wrap(`${axis.param}=${show(v)}`, charsPerLabel, 2).length)));
  const rowH = Math.max(tileH, rowLines.reduce((a, b) => a + b, 0) * lineH);
  const left = labelW ? labelW + PAD : 0;
  const top = PAD + headLines * lineH + (headLines ? PAD : 0);
  const canvas = new Canvas(left + columns * (tileW + GAP), top + rows * (rowH + GAP));

  if (across) {
    canvas.text(left, PAD, wrap(across.param, Math.floor((canvas.width - left) / (ADVANCE * scale)), 1)[0] ?? '', scale, [60, 60, 160]);
    across.values.forEach((v, c) => wrap(show(v), charsPerTile, 3).forEach((line, i) => canvas.text(left + c * (tileW + GAP), PAD + (1 + i) * lineH, line, scale)));
  }
  for (let r = 0; r < rows; r++) {
    const y = top + r * (rowH + GAP);
    const first = plan.cells[r * columns];
    let line = 0;
    down.forEach((axis, a) => {
      for (const text of wrap(`${axis.param}=${show(axis.values[first.coords[a]])}`, charsPerLabel, 2)) canvas.text(PAD, y + line++ * lineH, text, scale);
    });
    for (let c = 0; c < columns; c++) {
      const index = r * columns + c;
      const x = left + c * (tileW + GAP);
      const tile = tiles[index];
      if (tile) canvas.image(x, y, tile, zoom);
      else {
        const result = results(plan.cells[index].id);
        canvas.rect(x, y, tileW, tileH, result?.status === 'error' ? COLORS.error : COLORS.missing);
        const word = result?.status === 'error' ? 'error' : result ? 'no image' : 'pending';
        canvas.text(x + 2 * scale, y + 2 * scale, word.slice(0, charsPerTile), scale, [90, 40, 40]);
      }
    }
  }
  return encode({ width: canvas.width, height: canvas.height, data: canvas.data, channels: 3, depth: 8 });
}
