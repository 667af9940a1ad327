import { poolDivisor, windowSpan, type PoolAttrs } from '@msflow/core';
import type { GraphBuilder } from '../graph/builder.js';
import type { Lowering } from './types.js';
import { TO_NCHW, TO_NHWC, onnxPads, transposeOp } from './types.js';

const poolAttrs = (a: PoolAttrs) => ({ kernel_shape: [...a.kernel], strides: [...a.strides], pads: onnxPads(a.pads), ceil_mode: 0 });

/** AvgPool; `count_include_pad` has PyTorch's meaning here since windows never pass the padded edge. */
export const lowerAvgPool: Lowering<'AvgPool'> = ({ g, inputs: [x], attrs }) => {
  const y = g.op('AveragePool', [transposeOp(g, x, TO_NCHW)], { ...poolAttrs(attrs), count_include_pad: attrs.countIncludePad ? 1 : 0 });
  return transposeOp(g, y, TO_NHWC);
};

/** MaxPool; ONNX pads never win. */
export const lowerMaxPool: Lowering<'MaxPool'> = ({ g, inputs: [x], attrs }) => {
  const y = g.op('MaxPool', [transposeOp(g, x, TO_NCHW)], poolAttrs(attrs));
  return transposeOp(g, y, TO_NHWC);
};

/** 1/divisor of every output cell [oh, ow] when padding is excluded from the count. */
function inverseCounts(h: number, w: number, oh: number, ow: number, a: PoolAttrs): Float32Array {
  const out = new Float32Array(oh * ow);
  for (let oy = 0; oy < oh; oy++) {
    const rows = windowSpan(oy, h, a.kernel[0], a.strides[0], a.pads[0]);
    for (let ox = 0; ox < ow; ox++) out[oy * ow + ox] = 1 / poolDivisor(a.kernel, rows, windowSpan(ox, w, a.kernel[1], a.strides[1], a.pads[2]), false);
  }
  return out;
}

/** A depthwise ConvTranspose with an all-ones window: spreads each (scaled) gradient over its window. */
function spread(g: GraphBuilder, dyNchw: string, c: number, inputHW: readonly number[], outHW: readonly number[], a: PoolAttrs): string {
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.strides;
  const [pt, pb, pl, pr] = a.pads;
  const ones = g.float(new Float32Array(c * kh * kw).fill(1), [c, 1, kh, kw]);
  return g.op('ConvTranspose', [dyNchw, ones], {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: onnxPads(a.pads),
    group: c,
    output_padding: [inputHW[0] - (sh * (outHW[0] - 1) + kh - pt - pb), inputHW[1] - (sw * (outHW[1] - 1) + kw - pl - pr)],
  });
}

/** AvgPoolGrad: dy divided by each window's divisor, then spread back by a ones ConvTranspose. */
export const lowerAvgPoolGrad: Lowering<'AvgPoolGrad'> = ({ g, inputs: [dy], shapes, attrs }) => {
  const [, oh, ow, c] = shapes[0];
  const [, h, w] = attrs.inputShape;
  const scale = attrs.countIncludePad
    ? g.float([1 / (attrs.kernel[0] * attrs.kernel[1])], [])
    : g.float(inverseCounts(h, w, oh, ow, attrs), [1, 1, oh, ow]);
  const scaled = g.op('Mul', [transposeOp(g, dy, TO_NCHW), scale]);
  return transposeOp(g, spread(g, scaled, c, [h, w], [oh, ow], attrs), TO_NHWC);
};
