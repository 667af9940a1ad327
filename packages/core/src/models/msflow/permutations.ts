import { assertPermutation } from '../../flow/permutation.js';
import type { Rng } from '../../random/rng.js';
import type { MSFlowConfig } from './config.js';

/**
 * The fixed channel permutations of an MSFlow model. They are drawn once at construction and
 * are not trainable, so checkpoints carry them in the sidecar.
 */
export interface MSFlowPermutations {
  /** parallel[l][k]: the permutation ending AllInOne block k of scale l. */
  parallel: number[][][];
  /** fusion[l]: the permutation of scale l before the fusion coupling. */
  fusion: number[][];
}

/**
 * Draws every permutation from `rng`: the parallel flows scale by scale, block by block, then the
 * fusion permutations. This order is part of the seed contract.
 *
 * @example
 * ```ts
 * const perms = drawPermutations(config, new Rng(config.seed));
 * perms.parallel[2][7].length; // channels of scale 2
 * ```
 */
export function drawPermutations(config: MSFlowConfig, rng: Rng): MSFlowPermutations {
  return {
    parallel: config.channels.map((c, l) => Array.from({ length: config.blocks[l] }, () => rng.permutation(c))),
    fusion: config.channels.map((c) => rng.permutation(c)),
  };
}

/** Identity permutations: enough to describe the model's structure (counting, validation) without an Rng. */
export function identityPermutations(config: MSFlowConfig): MSFlowPermutations {
  const id = (c: number) => [...Array(c).keys()];
  return { parallel: config.channels.map((c, l) => Array.from({ length: config.blocks[l] }, () => id(c))), fusion: config.channels.map(id) };
}

/** Throws unless `perms` has one valid permutation per block and scale of `config`. */
export function validatePermutations(config: MSFlowConfig, perms: MSFlowPermutations): void {
  if (!perms || !Array.isArray(perms.parallel) || !Array.isArray(perms.fusion)) throw new Error('permutations: expected { parallel, fusion } arrays');
  const scales = config.channels.length;
  if (perms.parallel.length !== scales || perms.fusion.length !== scales) {
    throw new Error(`permutations: expected ${scales} scales, got ${perms.parallel.length} parallel and ${perms.fusion.length} fusion`);
  }
  config.channels.forEach((c, l) => {
    if (!Array.isArray(perms.parallel[l]) || perms.parallel[l].length !== config.blocks[l]) {
      throw new Error(`permutations: scale ${l} needs ${config.blocks[l]} block permutations, got ${perms.parallel[l]?.length ?? 0}`);
    }
    perms.parallel[l].forEach((p, k) => assertPermutation(p, c, `permutation of parallel.${l}.${k}`));
    assertPermutation(perms.fusion[l], c, `fusion permutation ${l}`);
  });
}
