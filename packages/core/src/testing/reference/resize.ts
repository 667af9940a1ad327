import { bilinearTaps } from '../../kernels/geometry.js';
import { ensure, nhwc, type RefArray } from './array.js';

/**
 * Calls `visit(inputCell, outputCell, weight)` for the four weighted source cells of every output
 * pixel (indices over [h·w] and [oh·ow], batch and channel excluded). Forward and gradient
 * share it, so the gradient is the exact adjoint.
 */
function forEachWeight(
  [h, w]: readonly [number, number],
  [oh, ow]: readonly [number, number],
  alignCorners: boolean,
  visit: (inCell: number, outCell: number, weight: number) => void,
): void {
  const ty = bilinearTaps(h, oh, alignCorners);
  const tx = bilinearTaps(w, ow, alignCorners);
  for (let oy = 0; oy < oh; oy++) {
    const { i0: y0, i1: y1, frac: ly } = ty[oy];
    for (let ox = 0; ox < ow; ox++) {
      const { i0: x0, i1: x1, frac: lx } = tx[ox];
      const o = oy * ow + ox;
      visit(y0 * w + x0, o, (1 - ly) * (1 - lx));
      visit(y0 * w + x1, o, (1 - ly) * lx);
      visit(y1 * w + x0, o, ly * (1 - lx));
      visit(y1 * w + x1, o, ly * lx);
    }
  }
}

/** Bilinear resize of NHWC images to [outH, outW]. */
export function refResizeBilinear(x: RefArray, size: readonly [number, number], alignCorners: boolean): RefArray {
  const [n, h, w, c] = nhwc(x, 'ResizeBilinear');
  const [oh, ow] = size;
  ensure(oh >= 1 && ow >= 1, 'ResizeBilinear', `size must be positive, got ${oh}x${ow}`);
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    forEachWeight([h, w], [oh, ow], alignCorners, (i, o, wt) => {
      for (let ch = 0; ch < c; ch++) y[(b * oh * ow + o) * c + ch] += wt * x.data[(b * h * w + i) * c + ch];
    });
  }
  return { shape: [n, oh, ow, c], data: y };
}

/** Gradient of ResizeBilinear: dy [n, outH, outW, c] back onto [n, inH, inW, c]. */
export function refResizeBilinearGrad(dy: RefArray, inputSize: readonly [number, number], alignCorners: boolean): RefArray {
  const [n, oh, ow, c] = nhwc(dy, 'ResizeBilinearGrad', 'dy');
  const [h, w] = inputSize;
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    forEachWeight([h, w], [oh, ow], alignCorners, (i, o, wt) => {
      for (let ch = 0; ch < c; ch++) dx[(b * h * w + i) * c + ch] += wt * dy.data[(b * oh * ow + o) * c + ch];
    });
  }
  return { shape: [n, h, w, c], data: dx };
}
