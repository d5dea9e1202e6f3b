/** Plain-TS references for the measure graphs, written straight from their definitions. */
export function randomImage(seed: number, b: number, h: number, w: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(b * 3 * h * w);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function channel(img: Float32Array, item: number, c: number, h: number, w: number): (y: number, x: number) => number {
  const base = (item * 3 + c) * h * w;
  return (y, x) => (img[base + y * w + x] + 1) / 2;
}

function variance(v: number[], unbiased: boolean): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - (unbiased ? 1 : 0));
}

export function sharpnessRef(img: Float32Array, b: number, h: number, w: number): number[] {
  return Array.from({ length: b }, (_, i) => {
    const [r, g, bl] = [0, 1, 2].map((c) => channel(img, i, c, h, w));
    const gray = (y: number, x: number) => 0.2989 * r(y, x) + 0.587 * g(y, x) + 0.114 * bl(y, x);
    const resp: number[] = [];
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        let s = -9 * gray(y, x);
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += gray(y + dy, x + dx);
        resp.push(s);
      }
    }
    return variance(resp, true);
  });
}

export function colorfulnessRef(img: Float32Array, b: number, h: number, w: number): number[] {
  return Array.from({ length: b }, (_, i) => {
    const [r, g, bl] = [0, 1, 2].map((c) => channel(img, i, c, h, w));
    const rg: number[] = [];
    const yb: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        rg.push(255 * (r(y, x) - g(y, x)));
        yb.push(255 * (0.5 * (r(y, x) + g(y, x)) - bl(y, x)));
      }
    }
    const mean = (v: number[]) => v.reduce((a, c) => a + c, 0) / v.length;
    return Math.sqrt(variance(rg, false) + variance(yb, false)) + 0.3 * Math.sqrt(mean(rg) ** 2 + mean(yb) ** 2);
  });
}

export function brightnessRef(img: Float32Array, b: number, h: number, w: number): number[] {
  return Array.from({ length: b }, (_, i) => {
    const [r, g, bl] = [0, 1, 2].map((c) => channel(img, i, c, h, w));
    let s = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) s += 0.2989 * r(y, x) + 0.587 * g(y, x) + 0.114 * bl(y, x);
    return s / (h * w);
  });
}
