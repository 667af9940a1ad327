import type { Lowering } from './types.js';
import { HWIO_TO_OIHW, OIHW_TO_HWIO, TO_NCHW, TO_NHWC, onnxPads, transposeOp } from './types.js';

/** Conv2D: NHWC input and HWIO filter transposed to ONNX's NCHW / OIHW around one Conv node. */
export const lowerConv2D: Lowering<'Conv2D'> = ({ g, inputs, shapes, attrs }) => {
  const [x, f, bias] = inputs;
  const [kh, kw] = shapes[1];
  const args = [transposeOp(g, x, TO_NCHW), transposeOp(g, f, HWIO_TO_OIHW)];
  if (bias !== undefined) args.push(bias);
  const y = g.op('Conv', args, {
    kernel_shape: [kh, kw],
    strides: [...attrs.strides],
    pads: onnxPads(attrs.pads),
    group: attrs.groups,
    dilations: [1, 1],
  });
  return transposeOp(g, y, TO_NHWC);
};

/**
 * Conv2DBackpropInput as ConvTranspose. ConvTranspose's weight [C_in, C_out/g, kh, kw] is the
 * forward filter in OIHW order; `output_padding` restores the rows and columns the forward
 * convolution's floor division dropped.
 */
export const lowerConv2DBackpropInput: Lowering<'Conv2DBackpropInput'> = ({ g, inputs: [dy, f], shapes, attrs }) => {
  const [, oh, ow] = shapes[0];
  const [kh, kw] = shapes[1];
  const [, h, w] = attrs.inputShape;
  const [sh, sw] = attrs.strides;
  const [pt, pb, pl, pr] = attrs.pads;
  const outputPadding = [h - (sh * (oh - 1) + kh - pt - pb), w - (sw * (ow - 1) + kw - pl - pr)];
  const y = g.op('ConvTranspose', [transposeOp(g, dy, TO_NCHW), transposeOp(g, f, HWIO_TO_OIHW)], {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: onnxPads(attrs.pads),
    group: attrs.groups,
    output_padding: outputPadding,
    dilations: [1, 1],
  });
  return transposeOp(g, y, TO_NHWC);
};

/**
 * Conv2DBackpropFilter: without groups, one GEMM per filter tap, the fast route on every
 * runtime (MLAS runs a convolution with a 32x32 "kernel" and a 3x3 output at a fraction of GEMM
 * speed). Tap (i, j) of the filter is dYᵀ·window(i, j) over the N·oh·ow rows, where the window is
 * the strided slice of the padded input that tap sees; the kh·kw [C_out, C] results are stacked
 * on a last axis into OIHW. It leaves as a Transpose to HWIO, which a traced optimizer step
 * keeping its filters in OIHW cancels.
 */
export const lowerConv2DBackpropFilter: Lowering<'Conv2DBackpropFilter'> = (args) => {
  if (args.attrs.groups !== 1) return lowerGroupedBackpropFilter(args);
  const { g, inputs: [x, dy], shapes, attrs } = args;
  const [n, , , c] = shapes[0];
  const [, oh, ow, co] = shapes[1];
  const [kh, kw] = attrs.filterShape;
  const [sh, sw] = attrs.strides;
  const [pt, pb, pl, pr] = attrs.pads;
  const padded = pt || pb || pl || pr ? g.op('Pad', [x, g.int64([0, pt, pl, 0, 0, pb, pr, 0])], { mode: 'constant' }) : x;
  const rows = g.int64([n * oh * ow, -1]);
  const dyRows = g.op('Reshape', [dy, rows]);
  const taps: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const win = g.op('Slice', [padded, g.int64([i, j]), g.int64([i + sh * (oh - 1) + 1, j + sw * (ow - 1) + 1]), g.int64([1, 2]), g.int64([sh, sw])]);
      const tap = g.op('Gemm', [dyRows, g.op('Reshape', [win, rows])], { transA: 1 }); // [C_out, C]
      taps.push(g.op('Unsqueeze', [tap, g.int64([2])]));
    }
  }
  const stacked = taps.length === 1 ? taps[0] : g.op('Concat', taps, { axis: 2 });
  const oihw = g.op('Reshape', [stacked, g.int64([co, c, kh, kw])]);
  return transposeOp(g, oihw, OIHW_TO_HWIO);
};

/**
 * Grouped Conv2DBackpropFilter as one dilated convolution with the batch as the reduction axis:
 * input x as [C/g, g·N, H, W], weight dy as [C_out, N, oh, ow], group g, dilation = the forward
 * stride. Output [C/g, C_out, kh', kw'] with kh' >= kh (the forward's dropped edge), sliced to
 * kh x kw and transposed to HWIO.
 */
const lowerGroupedBackpropFilter: Lowering<'Conv2DBackpropFilter'> = ({ g, inputs: [x, dy], shapes, attrs }) => {
  const [n, h, w, c] = shapes[0];
  const [, oh, ow] = shapes[1];
  const [kh, kw, cig] = attrs.filterShape;
  const groups = attrs.groups;
  const [sh, sw] = attrs.strides;
  const [pt, pb, pl, pr] = attrs.pads;
  // x [N,H,W,C] -> [N,H,W,G,C/G] -> [C/G, G, N, H, W] -> [C/G, G·N, H, W]
  let xt: string;
  if (groups === 1) xt = transposeOp(g, x, [3, 0, 1, 2]);
  else {
    const xg = g.op('Reshape', [x, g.int64([n, h, w, groups, c / groups])]);
    xt = g.op('Reshape', [transposeOp(g, xg, [4, 3, 0, 1, 2]), g.int64([cig, groups * n, h, w])]);
  }
  const wt = transposeOp(g, dy, [3, 0, 1, 2]); // [C_out, N, oh, ow]
  let y = g.op('Conv', [xt, wt], {
    kernel_shape: [oh, ow],
    strides: [1, 1],
    pads: [pt, pl, pb, pr],
    group: groups,
    dilations: [sh, sw],
  });
  const fullH = h + pt + pb - (oh - 1) * sh;
  const fullW = w + pl + pr - (ow - 1) * sw;
  if (fullH !== kh || fullW !== kw) y = g.op('Slice', [y, g.int64([0, 0]), g.int64([kh, kw]), g.int64([2, 3])]);
  return transposeOp(g, y, [2, 3, 0, 1]);
};

/** MatMul (2-D) as Gemm, whose transA/transB match core's attributes. */
export const lowerMatMul: Lowering<'MatMul'> = ({ g, inputs: [a, b], attrs }) =>
  g.op('Gemm', [a, b], { transA: attrs.transposeA ? 1 : 0, transB: attrs.transposeB ? 1 : 0 });
