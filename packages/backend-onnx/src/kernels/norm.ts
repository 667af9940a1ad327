import type { Lowering } from './types.js';

/**
 * LayerNorm over the last axis as one LayerNormalization node (opset 17+): biased variance,
 * epsilon inside the square root, then gamma and beta. onnxruntime's CPU kernel keeps full
 * accuracy when |mean| >> std (checked by the conformance suite's offset-mean case and
 * test/lowering.test.ts).
 */
export const lowerLayerNorm: Lowering<'LayerNorm'> = ({ g, inputs: [x, gamma, beta], attrs }) =>
  g.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: attrs.epsilon } });
