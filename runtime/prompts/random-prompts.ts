import { Mt19937 } from '../rng/index';
import { STYLE_KEYWORDS } from './style-keywords';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Uniform integers from a seeded Mersenne Twister, so a seed names one candidate set everywhere. */
export class SeededRandom {
  private readonly mt: Mt19937;
  constructor(seed: number) {
    this.mt = new Mt19937(seed >>> 0);
  }
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.mt.nextUint32() / 4294967296) * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  /** `k` distinct items (partial Fisher-Yates). */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = [...items];
    for (let i = 0; i < k; i++) {
      const j = this.int(i, pool.length - 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }
}

export interface RandomPromptOptions {
  words?: [number, number];
  wordLength?: [number, number];
  styleKeywords?: number;
}

/** `k` random style keywords, comma-joined (appended to the user's prompt too). */
export function styleSuffix(rng: SeededRandom, k = 3): string {
  return rng.sample(STYLE_KEYWORDS, k).join(', ');
}

/**
 * The paper's random prompts (docs/methods.md#human-feedback): 5-30 random "words" of 3-31 alphanumeric
 * characters, then 3 random style keywords. Nonsense words land the text encoder at
 * scattered points of embedding space, which is what the candidate search wants.
 */
export function randomPrompt(rng: SeededRandom, options: RandomPromptOptions = {}): string {
  const [wMin, wMax] = options.words ?? [5, 30];
  const [lMin, lMax] = options.wordLength ?? [3, 31];
  const words = Array.from({ length: rng.int(wMin, wMax) }, () =>
    Array.from({ length: rng.int(lMin, lMax) }, () => rng.pick([...ALPHANUMERIC])).join(''),
  );
  return `${words.join(' ')}, ${styleSuffix(rng, options.styleKeywords ?? 3)}`;
}

export function randomPrompts(seed: number, count: number, options: RandomPromptOptions = {}): string[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, () => randomPrompt(rng, options));
}
