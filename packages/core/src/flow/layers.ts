/** The few layer shapes the flows use, applied from a parameter map. */
import { conv2d, layerNorm } from '../ops/nn.js';
import { relu } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { convSpecs, layerNormSpecs, param, type ParamMap, type ParamSpec } from './params.js';

/** 3x3 convolution with bias and zero padding 1 ("same" size), parameters `${name}.weight|bias`. */
export function conv3x3(x: Tensor, params: ParamMap, name: string): Tensor {
  return conv2d(x, param(params, `${name}.weight`), { bias: param(params, `${name}.bias`), padding: 1 });
}

/** LayerNorm over channels (eps 1e-5, PyTorch's default), parameters `${name}.weight|bias`. */
export function channelLayerNorm(x: Tensor, params: ParamMap, name: string): Tensor {
  return layerNorm(x, param(params, `${name}.weight`), param(params, `${name}.bias`), 1e-5);
}

/** Specs of {@link convLnReluConv}: conv 3x3 in→hidden, LN(hidden), conv 3x3 hidden→out. */
export function convLnReluConvSpecs(name: string, inChannels: number, hidden: number, outChannels: number): ParamSpec[] {
  return [
    ...convSpecs(`${name}.conv1`, 3, inChannels, hidden),
    ...layerNormSpecs(`${name}.ln`, hidden),
    ...convSpecs(`${name}.conv2`, 3, hidden, outChannels),
  ];
}

/**
 * MSFlow's `subnet_conv_ln` and the mixer's first half: conv3x3 → channel LayerNorm → ReLU → conv3x3.
 *
 * @example
 * ```ts
 * const a = convLnReluConv(concat([ua, pe], -1), params, 'parallel.0.0.subnet');
 * ```
 */
export function convLnReluConv(x: Tensor, params: ParamMap, name: string): Tensor {
  return conv3x3(relu(channelLayerNorm(conv3x3(x, params, `${name}.conv1`), params, `${name}.ln`)), params, `${name}.conv2`);
}
