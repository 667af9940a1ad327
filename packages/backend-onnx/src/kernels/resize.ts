import { interpolationMatrix } from '@msflow/core';
import type { Lowering } from './types.js';
import { TO_NCHW, TO_NHWC, transposeOp } from './types.js';

/**
 * ResizeBilinear as one Resize node on the NHWC tensor, sizes [N, outH, outW, C] (linear
 * interpolation leaves the axes of unchanged size alone). align_corners=false is ONNX
 * `half_pixel`: like PyTorch it clamps negative source coordinates to 0 and, unlike
 * `pytorch_half_pixel`, does not special-case an output of size 1 (PyTorch's bilinear does not
 * either). Opset 18's `axes` attribute would keep the batch out of the sizes, but onnxruntime
 * 1.30's extended graph optimisations reject it after moving transposes; batch-generic graphs
 * compute the sizes at run time instead (see `generalizeBatch`).
 */
export const lowerResizeBilinear: Lowering<'ResizeBilinear'> = ({ g, inputs: [x], attrs, outShape }) =>
  g.op('Resize', [x, '', '', g.int64([...outShape])], {
    mode: 'linear',
    coordinate_transformation_mode: attrs.alignCorners ? 'align_corners' : 'half_pixel',
  });

/**
 * ResizeBilinearGrad, the exact adjoint of the separable interpolation: dy (as NCHW) times the
 * width matrix, then the transposed height matrix times that (two MatMuls).
 */
export const lowerResizeBilinearGrad: Lowering<'ResizeBilinearGrad'> = ({ g, inputs: [dy], shapes, attrs }) => {
  const [, oh, ow] = shapes[0];
  const [h, w] = attrs.inputSize;
  const rx = g.float(interpolationMatrix(w, ow, attrs.alignCorners), [ow, w]);
  const ry = interpolationMatrix(h, oh, attrs.alignCorners);
  const ryT = new Float32Array(h * oh);
  for (let i = 0; i < oh; i++) for (let j = 0; j < h; j++) ryT[j * oh + i] = ry[i * h + j];
  const alongW = g.op('MatMul', [transposeOp(g, dy, TO_NCHW), rx]);
  return transposeOp(g, g.op('MatMul', [g.float(ryT, [h, oh]), alongW]), TO_NHWC);
};
