import { ensure, nhwc, type RefArray } from './array.js';

/** One output coordinate's two source cells and the weight of the second. */
interface Tap {
  i0: number;
  i1: number;
  frac: number;
}

/**
 * PyTorch's source coordinates for bilinear interpolation along one axis. alignCorners maps
 * the corner cells onto each other, src = dst·(in-1)/(out-1); otherwise cell centres are
 * aligned, src = (dst+0.5)·in/out - 0.5, clamped at 0.
 */
export function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean): Tap[] {
  const taps: Tap[] = [];
  for (let d = 0; d < outSize; d++) {
    let src: number;
    if (alignCorners) src = outSize > 1 ? (d * (inSize - 1)) / (outSize - 1) : 0;
    else src = Math.max(((d + 0.5) * inSize) / outSize - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    taps.push({ i0, i1, frac: src - i0 });
  }
  return taps;
}

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
