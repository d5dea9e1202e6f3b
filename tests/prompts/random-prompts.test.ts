import { describe, expect, it } from 'vitest';
import { STYLE_KEYWORDS, randomPrompts } from '../../runtime/prompts';

describe('random prompts', () => {
  const prompts = randomPrompts(1332, 200);

  it('have 5-30 alphanumeric words of 3-31 characters plus 3 distinct style keywords', () => {
    for (const p of prompts) {
      const [words, ...styles] = p.split(', ');
      const w = words.split(' ');
      expect(w.length).toBeGreaterThanOrEqual(5);
      expect(w.length).toBeLessThanOrEqual(30);
      for (const word of w) expect(word).toMatch(/^[A-Za-z0-9]{3,31}$/);
      expect(styles).toHaveLength(3);
      expect(new Set(styles).size).toBe(3);
      for (const s of styles) expect(STYLE_KEYWORDS).toContain(s);
    }
  });

  it('cover the whole range of lengths and are all different', () => {
    const counts = prompts.map((p) => p.split(', ')[0].split(' ').length);
    expect(Math.min(...counts)).toBe(5);
    expect(Math.max(...counts)).toBe(30);
    expect(new Set(prompts).size).toBe(prompts.length);
  });

  it('are a function of the seed', () => {
    expect(randomPrompts(1332, 3)).toEqual(prompts.slice(0, 3));
    expect(randomPrompts(1333, 3)).not.toEqual(prompts.slice(0, 3));
  });
});
