import { interpolationMatrix } from '@msflow/core';
import { as4d, dims, type TfContext, type TfKernelTable, type TfTensor } from './types.js';

/**
 * Bilinear resize with PyTorch semantics. The forward pass is tfjs's resizeBilinear
 * (align_corners=False is tfjs's `halfPixelCenters`, which clamps like PyTorch). The gradient is
 * the adjoint of the separable interpolation, Rhᵀ · dy · Rw, as two matrix products: tfjs's own
 * ResizeBilinearGrad ignores `halfPixelCenters`.
 */
export function resizeKernels({ tf }: TfContext): Pick<TfKernelTable, 'ResizeBilinear' | 'ResizeBilinearGrad'> {
  return {
    ResizeBilinear: ({ inputs: [x], attrs: { size, alignCorners } }) => tf.image.resizeBilinear(as4d(x), size, alignCorners, !alignCorners),
    ResizeBilinearGrad: ({ inputs: [dy], attrs: { inputSize, alignCorners } }) => {
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
