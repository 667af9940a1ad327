import { decodeSafetensors, type BackboneWeights } from '@msflow/core';
import { PageError } from './errors.js';

/**
 * Backbone weights from `backbone.safetensors` as `msflow serve` writes it (`<conv>.filter`,
 * `<conv>.bias`, folded, flat float32): what both scoring on WebGPU and training read.
 */
export function decodeBackboneWeights(bytes: Uint8Array): BackboneWeights {
  const { tensors } = decodeSafetensors(bytes, 'backbone.safetensors');
  const weights: BackboneWeights = new Map();
  for (const [name, t] of tensors) {
    if (!name.endsWith('.filter')) continue;
    const conv = name.slice(0, -'.filter'.length);
    const bias = tensors.get(`${conv}.bias`);
    if (!bias) throw new PageError('model', `backbone.safetensors: ${conv} has a filter but no bias`);
    weights.set(conv, { filter: t.data, bias: bias.data });
  }
  return weights;
}
