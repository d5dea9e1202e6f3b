/**
 * Style keywords appended to random and user prompts (docs/methods.md#human-feedback: "3 random style
 * keywords"). Common Stable Diffusion prompt modifiers: media, lighting, rendering, artists'
 * movements; any fixed list serves, it only widens the spread of candidates.
 */
export const STYLE_KEYWORDS: readonly string[] = [
  'oil painting', 'watercolor', 'pencil sketch', 'digital art', 'concept art', 'photograph',
  'studio lighting', 'golden hour', 'cinematic', 'dramatic lighting', 'soft light', 'neon',
  'high detail', '8k', 'unreal engine', 'octane render', 'trending on artstation', 'matte painting',
  'impressionism', 'surrealism', 'art nouveau', 'cubism', 'pop art', 'minimalism', 'baroque',
  'ukiyo-e', 'pixel art', 'low poly', 'isometric', 'vaporwave', 'steampunk', 'cyberpunk',
  'fantasy', 'sci-fi', 'vintage', 'film grain', 'bokeh', 'macro', 'wide angle', 'pastel colors',
  'vibrant colors', 'monochrome', 'sepia', 'charcoal', 'ink drawing', 'stained glass',
];
