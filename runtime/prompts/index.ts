export { STYLE_KEYWORDS } from './style-keywords';
export { SeededRandom, randomPrompt, randomPrompts, styleSuffix, type RandomPromptOptions } from './random-prompts';
export { farthestPoints, spreadEmbeddings, cosine } from './farthest-point';
export { feedbackCandidate, type CandidateOptions } from './candidates';
