import type { MSFlowConfig } from '@msflow/core';
import { checkBackboneFits, type BackboneChoice } from '../backbone/backbone.js';
import type { ExtractedSet, FeatureExtractor, ImageSource } from '../backbone/extractor.js';
import type { ExecutionPlan } from '../plan/plan.js';

/** One set of images to run through the backbone. */
export interface FeatureJob {
  source: ImageSource;
  /** Where to keep the features (default: memory). */
  cache?: { mode: 'auto' | 'memory' | 'disk'; path: string };
}

/**
 * Builds the backbone where the plan says and checks it: with `checkpoint` (the sidecar path,
 * for messages) it must give the features the config was trained on; without, the returned
 * config records the backbone's architecture (a fresh model).
 *
 * @example
 * ```ts
 * const { extractor, config: c } = await openBackbone(plan, 'default', config);
 * ```
 */
export async function openBackbone(plan: ExecutionPlan, choice: BackboneChoice, config: MSFlowConfig, checkpoint?: string): Promise<{ extractor: FeatureExtractor; config: MSFlowConfig }> {
  const fx = await plan.openExtractor(choice, config);
  try {
    if (checkpoint) checkBackboneFits(fx.backbone, config, checkpoint);
    return { extractor: fx, config: checkpoint ? config : { ...config, backbone: fx.backbone.spec.id, backbonePadding: fx.backbone.spec.padMode } };
  } catch (err) {
    await fx.dispose();
    throw err;
  }
}

/**
 * The one way images become features: every set through the backbone, in order, with one
 * progress count over all of them.
 *
 * @example
 * ```ts
 * const [train, test] = await extractSets(extractor, [{ source: trainSet }, { source: testSet }]);
 * ```
 */
export async function extractSets(fx: FeatureExtractor, jobs: readonly FeatureJob[], onProgress?: (done: number, total: number) => void): Promise<ExtractedSet[]> {
  const total = jobs.reduce((n, j) => n + j.source.length, 0);
  const sets: ExtractedSet[] = [];
  let before = 0;
  for (const job of jobs) {
    sets.push(await fx.extract(job.source, { cache: job.cache, onProgress: (d) => onProgress?.(before + d, total) }));
    before += job.source.length;
  }
  return sets;
}
