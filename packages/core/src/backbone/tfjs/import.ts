import type { ArchSpec } from '../types.js';
import { assembleWeights, type BackboneWeights } from '../weights.js';
import type { TfjsModel } from './model.js';

/**
 * Backbone weights from a tfjs layers model with Keras layer names (`res2a_branch2a/kernel`,
 * `bn2a_branch2a/gamma`, ...), BatchNorm epsilon taken per layer from the topology.
 *
 * @example
 * ```ts
 * const weights = tfjsBackboneWeights(architecture('keras_resnet50'), readTfjsModel(json, readShard, 'ResNet50/model.json'));
 * ```
 */
export function tfjsBackboneWeights(spec: ArchSpec, model: TfjsModel): BackboneWeights {
  return assembleWeights(spec, model.store, { naming: 'keras', epsilon: (name) => model.bnEpsilon.get(name) });
}
