import type { Rng } from '../random/rng.js';
import { foldConv } from './fold.js';
import type { ArchSpec } from './types.js';
import type { BackboneWeights } from './weights.js';

/**
 * Random weights for a graph, the control of a pretrained backbone: torchvision's initialisation
 * (Kaiming normal, fan-out, ReLU gain: std √(2 / (out·kh·kw)); BatchNorm γ=1, β=0, μ=0, σ²=1;
 * no bias), folded like real weights.
 *
 * @example
 * ```ts
 * const weights = randomBackboneWeights(architecture('resnet18'), new Rng(0));
 * ```
 */
export function randomBackboneWeights(spec: ArchSpec, rng: Rng): BackboneWeights {
  const out: BackboneWeights = new Map();
  for (const c of spec.convs) {
    const [kh, kw] = c.kernel;
    const n = kh * kw * (c.inChannels / c.groups) * c.outChannels;
    const weight = rng.normalArray(n, Math.sqrt(2 / (c.outChannels * kh * kw)));
    const ones = new Float32Array(c.outChannels).fill(1);
    const zeros = new Float32Array(c.outChannels);
    const bn = c.batchNorm ? { gamma: ones, beta: zeros, mean: zeros, variance: ones, epsilon: spec.bnEpsilon } : undefined;
    out.set(c.key, foldConv(c, { weight, layout: 'HWIO', bn }));
  }
  return out;
}

/** All-zero weights: for shape-only runs, where values do not matter. */
export function zeroBackboneWeights(spec: ArchSpec): BackboneWeights {
  const out: BackboneWeights = new Map();
  for (const c of spec.convs) {
    const n = c.kernel[0] * c.kernel[1] * (c.inChannels / c.groups) * c.outChannels;
    out.set(c.key, { filter: new Float32Array(n), bias: new Float32Array(c.outChannels) });
  }
  return out;
}
