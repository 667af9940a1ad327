import type { ConvSpec } from './types.js';

/** BatchNorm statistics and affine parameters (inference mode). */
export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** Layout of a source convolution weight. */
export type WeightLayout =
  /** PyTorch / ONNX: [out, in/groups, kh, kw]. */
  | 'OIHW'
  /** Keras / TensorFlow Conv2D: [kh, kw, in, out]. */
  | 'HWIO'
  /** Keras DepthwiseConv2D: [kh, kw, in, multiplier]. */
  | 'HWCM';

/** One convolution as a weight file stores it, before folding. */
export interface RawConv {
  weight: Float32Array;
  layout: WeightLayout;
  bias?: Float32Array;
  bn?: BatchNormParams;
}

/** A convolution ready to run: HWIO filter ([kh, kw, in/groups, out]) and bias, BatchNorm folded in. */
export interface FoldedConv {
  filter: Float32Array;
  bias: Float32Array;
}

/** The expected shape of a source weight in `layout` for a graph convolution. */
export function expectedWeightShape(c: ConvSpec, layout: WeightLayout): number[] {
  const [kh, kw] = c.kernel;
  const cin = c.inChannels / c.groups;
  switch (layout) {
    case 'OIHW':
      return [c.outChannels, cin, kh, kw];
    case 'HWIO':
      return [kh, kw, cin, c.outChannels];
    case 'HWCM':
      return [kh, kw, c.inChannels, c.outChannels / c.inChannels];
  }
}

/** Reorders a weight to HWIO ([kh, kw, in/groups, out]). */
export function toHwio(c: ConvSpec, weight: Float32Array, layout: WeightLayout): Float32Array {
  if (layout === 'HWIO') return weight;
  const [kh, kw] = c.kernel;
  const out = new Float32Array(weight.length);
  if (layout === 'HWCM') {
    // [kh, kw, C, M] -> [kh, kw, 1, C*M] with output channel c*M + m (TensorFlow's depthwise order).
    out.set(weight);
    return out;
  }
  const ci = c.inChannels / c.groups;
  const co = c.outChannels;
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ci + i) * co + o] = weight[((o * ci + i) * kh + y) * kw + x];
  return out;
}

/**
 * Folds BatchNorm into the convolution: w' = w·γ/√(σ²+ε) per output channel,
 * b' = (b − μ)·γ/√(σ²+ε) + β.
 *
 * @example
 * ```ts
 * const { filter, bias } = foldConv(spec, { weight, layout: 'OIHW', bn: { gamma, beta, mean, variance, epsilon: 1e-5 } });
 * ```
 */
export function foldConv(c: ConvSpec, raw: RawConv): FoldedConv {
  const filter = Float32Array.from(toHwio(c, raw.weight, raw.layout));
  const co = c.outChannels;
  const bias = new Float32Array(co);
  if (raw.bias) bias.set(raw.bias);
  if (!raw.bn) return { filter, bias };
  const { gamma, beta, mean, variance, epsilon } = raw.bn;
  const scale = new Float64Array(co);
  for (let o = 0; o < co; o++) {
    scale[o] = gamma[o] / Math.sqrt(variance[o] + epsilon);
    bias[o] = (bias[o] - mean[o]) * scale[o] + beta[o];
  }
  for (let i = 0; i < filter.length; i++) filter[i] *= scale[i % co];
  return { filter, bias };
}
