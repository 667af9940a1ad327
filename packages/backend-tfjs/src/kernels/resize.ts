import { as4d, dims, type TfContext, type TfKernelTable, type TfTensor } from './types.js';

/**
 * PyTorch's 1-D bilinear interpolation weights from `inSize` to `outSize` cells as a dense
 * row-major [outSize, inSize] matrix: align_corners=True maps corner centres onto each other,
 * align_corners=False uses half-pixel centres with the source index clamped at 0.
 *
 * @example
 * ```ts
 * interpolationMatrix(2, 4, true); // rows [1,0], [2/3,1/3], [1/3,2/3], [0,1]
 * ```
 */
export function interpolationMatrix(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? o * scale : Math.max(0, (o + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = Math.min(src - i0, 1);
    m[o * inSize + i0] += 1 - lambda;
    m[o * inSize + i1] += lambda;
  }
  return m;
}

/**
 * Bilinear resize with PyTorch semantics. The forward pass is tfjs's resizeBilinear
 * (align_corners=False is tfjs's `halfPixelCenters`, which clamps like PyTorch). The gradient is
 * the adjoint of the separable interpolation, Rhᵀ · dy · Rw, as two matrix products: tfjs's own
 * ResizeBilinearGrad ignores `halfPixelCenters`.
 */
export function resizeKernels({ tf }: TfContext): Pick<TfKernelTable, 'ResizeBilinear' | 'ResizeBilinearGrad'> {
  return {
    ResizeBilinear: ([x], { size, alignCorners }) => tf.image.resizeBilinear(as4d(x), size, alignCorners, !alignCorners),
    ResizeBilinearGrad: ([dy], { inputSize, alignCorners }) => {
      const [n, oh, ow, c] = dims(dy);
      const [h, w] = inputSize;
      const rh = tf.tensor2d(interpolationMatrix(h, oh, alignCorners), [oh, h]);
      const rw = tf.tensor2d(interpolationMatrix(w, ow, alignCorners), [ow, w]);
      // rows: [oh, n*ow*c] -> Rhᵀ -> [h, n*ow*c]
      const dyRows = tf.reshape(tf.transpose(dy, [1, 0, 2, 3]), [oh, n * ow * c]);
      const gh = tf.reshape(tf.matMul(rh, dyRows, true, false), [h, n, ow, c]);
      // columns: [ow, n*h*c] -> Rwᵀ -> [w, n*h*c]
      const cols = tf.reshape(tf.transpose(gh, [2, 1, 0, 3]), [ow, n * h * c]);
      const gw = tf.reshape(tf.matMul(rw, cols, true, false), [w, n, h, c]);
      return tf.transpose(gw, [1, 2, 0, 3]) as TfTensor;
    },
  };
}
