import { NodeRegistry, type AnyNodeDef } from '../runtime/node-api/registry';
import { SeedSet } from './SeedSet';
import { Slerp } from './Slerp';
import { Preview } from './Preview';
import { Note } from './Note';
import { Model } from './Model';
import { TextEncode } from './TextEncode';
import { Generate } from './Generate';
import { Metric } from './Metric';
import { Compare } from './Compare';
import { GradientStep } from './GradientStep';
import { Pick } from './Pick';
import { RandomPrompts } from './RandomPrompts';
import { SaveEmbedding } from './SaveEmbedding';
import { LoadEmbedding } from './LoadEmbedding';
import { NoiseCurriculum } from './NoiseCurriculum';
import { EmbeddingBatch, EmbeddingItem } from './EmbeddingBatch';

export { NodeRegistry, type AnyNodeDef };

/**
 * The product's node types, one line each. Add a node here only once its `run` really works;
 * model-backed nodes (Model, TextEncode, Generate, Metric, ...) join the same list.
 */
export const PRODUCT_NODES: readonly AnyNodeDef[] = [
  Model,
  TextEncode,
  Generate,
  Metric,
  Compare,
  GradientStep,
  Pick,
  RandomPrompts,
  SaveEmbedding,
  LoadEmbedding,
  NoiseCurriculum,
  EmbeddingBatch,
  EmbeddingItem,
  SeedSet,
  Slerp,
  Preview,
  Note,
];

export function createProductRegistry(): NodeRegistry {
  return new NodeRegistry(PRODUCT_NODES);
}
