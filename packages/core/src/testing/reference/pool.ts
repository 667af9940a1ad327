import { poolDivisor, windowSpan } from '../../kernels/geometry.js';
import type { PoolAttrs } from '../../kernels/kernel_names.js';
import { windowOut } from '../../tensor/shape.js';
import { ensure, nhwc, type RefArray } from './array.js';

interface Window {
  /** Input rows [y0, y1) and columns [x0, x1) inside the image. */
  y0: number; y1: number; x0: number; x1: number;
  /** Average-pool divisor. */
  divisor: number;
}

/** Calls `visit` with the clipped window of every output cell (batch and channel excluded). */
function forEachWindow(
  op: string,
  [h, w]: readonly [number, number],
  a: PoolAttrs,
  countIncludePad: boolean,
  visit: (oy: number, ox: number, win: Window) => void,
): void {
  const [oh, ow] = outShape(h, w, a);
  ensure(oh > 0 && ow > 0, op, 'window larger than the padded input');
  for (let oy = 0; oy < oh; oy++) {
    const rows = windowSpan(oy, h, a.kernel[0], a.strides[0], a.pads[0]);
    for (let ox = 0; ox < ow; ox++) {
      const cols = windowSpan(ox, w, a.kernel[1], a.strides[1], a.pads[2]);
      visit(oy, ox, { y0: rows[0], y1: rows[1], x0: cols[0], x1: cols[1], divisor: poolDivisor(a.kernel, rows, cols, countIncludePad) });
    }
  }
}

function outShape(h: number, w: number, a: PoolAttrs): [number, number] {
  return [windowOut(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[1]), windowOut(w, a.kernel[1], a.strides[1], a.pads[2], a.pads[3])];
}

/** Average pool over zero-padded windows; the divisor follows `countIncludePad`. */
export function refAvgPool(x: RefArray, attrs: PoolAttrs & { countIncludePad: boolean }): RefArray {
  const [n, h, w, c] = nhwc(x, 'AvgPool');
  const [oh, ow] = outShape(h, w, attrs);
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    forEachWindow('AvgPool', [h, w], attrs, attrs.countIncludePad, (oy, ox, win) => {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let iy = win.y0; iy < win.y1; iy++)
          for (let ix = win.x0; ix < win.x1; ix++) s += x.data[((b * h + iy) * w + ix) * c + ch];
        y[((b * oh + oy) * ow + ox) * c + ch] = s / win.divisor;
      }
    });
  }
  return { shape: [n, oh, ow, c], data: y };
}

/** Gradient of AvgPool: each output's gradient spread evenly over its window's input cells. */
export function refAvgPoolGrad(
  dy: RefArray,
  attrs: PoolAttrs & { countIncludePad: boolean; inputShape: readonly number[] },
): RefArray {
  const [n, h, w, c] = attrs.inputShape;
  const [oh, ow] = outShape(h, w, attrs);
  ensure(dy.data.length === n * oh * ow * c, 'AvgPoolGrad', `dy must be [${[n, oh, ow, c].join(',')}]`);
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    forEachWindow('AvgPoolGrad', [h, w], attrs, attrs.countIncludePad, (oy, ox, win) => {
      for (let ch = 0; ch < c; ch++) {
        const g = dy.data[((b * oh + oy) * ow + ox) * c + ch] / win.divisor;
        for (let iy = win.y0; iy < win.y1; iy++)
          for (let ix = win.x0; ix < win.x1; ix++) dx[((b * h + iy) * w + ix) * c + ch] += g;
      }
    });
  }
  return { shape: [n, h, w, c], data: dx };
}

/** Max pool over the in-image cells of each window: padding never wins. */
export function refMaxPool(x: RefArray, attrs: PoolAttrs): RefArray {
  const [n, h, w, c] = nhwc(x, 'MaxPool');
  const [oh, ow] = outShape(h, w, attrs);
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    forEachWindow('MaxPool', [h, w], attrs, false, (oy, ox, win) => {
      for (let ch = 0; ch < c; ch++) {
        let m = -Infinity;
        for (let iy = win.y0; iy < win.y1; iy++)
          for (let ix = win.x0; ix < win.x1; ix++) m = Math.max(m, x.data[((b * h + iy) * w + ix) * c + ch]);
        y[((b * oh + oy) * ow + ox) * c + ch] = m;
      }
    });
  }
  return { shape: [n, oh, ow, c], data: y };
}
