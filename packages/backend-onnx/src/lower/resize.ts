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
 * The [outSize, inSize] matrix of 1-D linear interpolation with PyTorch's source coordinates:
 * row d holds the weights output d gives each input cell.
 *
 * @example
 * ```ts
 * interpolationMatrix(2, 4, false); // rows [1,0], [0.75,0.25], [0.25,0.75], [0,1]
 * ```
 */
export function interpolationMatrix(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const m = new Float64Array(outSize * inSize);
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners
      ? outSize > 1 ? (d * (inSize - 1)) / (outSize - 1) : 0
      : Math.max(((d + 0.5) * inSize) / outSize - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const frac = src - i0;
    m[d * inSize + i0] += 1 - frac;
    m[d * inSize + i1] += frac;
  }
  return Float32Array.from(m);
}

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
