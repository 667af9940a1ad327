import type { ConvAttrs } from '../../kernels/kernel_names.js';
import { windowOut } from '../../tensor/shape.js';
import { ensure, nhwc, type RefArray } from './array.js';

interface ConvGeometry {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number; cig: number; co: number; cog: number;
  oh: number; ow: number;
}

function geometry(op: string, x: readonly number[], f: readonly number[], a: ConvAttrs): ConvGeometry {
  ensure(x.length === 4 && f.length === 4, op, 'input and filter must have rank 4');
  const [n, h, w, c] = x;
  const [kh, kw, cig, co] = f;
  ensure(c % a.groups === 0 && co % a.groups === 0 && cig === c / a.groups, op,
    `filter [${f.join(',')}] does not fit input [${x.join(',')}] with ${a.groups} groups`);
  const oh = windowOut(h, kh, a.strides[0], a.pads[0], a.pads[1]);
  const ow = windowOut(w, kw, a.strides[1], a.pads[2], a.pads[3]);
  ensure(oh > 0 && ow > 0, op, 'filter larger than the padded input');
  return { n, h, w, c, kh, kw, cig, co, cog: co / a.groups, oh, ow };
}

/**
 * Visits every (output cell, filter tap) pair of a convolution whose input cell is inside the
 * image (zero padding contributes nothing), with the start of the in-group channel run:
 * the products are x[xBase + i] · f[fBase + i·fStride] for i < cig. The forward pass and both
 * gradients are this one loop with a different accumulation, so they are exact adjoints.
 */
function forEachTap(
  g: ConvGeometry,
  a: ConvAttrs,
  visit: (xBase: number, fBase: number, yIndex: number) => void,
): void {
  const [sh, sw] = a.strides;
  const [pt, , pl] = a.pads;
  for (let b = 0; b < g.n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let o = 0; o < g.co; o++) {
          const group = Math.floor(o / g.cog);
          const yIndex = ((b * g.oh + oy) * g.ow + ox) * g.co + o;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * sh - pt + ky;
            if (iy < 0 || iy >= g.h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * sw - pl + kx;
              if (ix < 0 || ix >= g.w) continue;
              visit(((b * g.h + iy) * g.w + ix) * g.c + group * g.cig, (ky * g.kw + kx) * g.cig * g.co + o, yIndex);
            }
          }
        }
}

/** Conv2D: NHWC input, HWIO filter, zero padding [top, bottom, left, right], optional bias. */
export function refConv2D(x: RefArray, filter: RefArray, bias: RefArray | undefined, attrs: ConvAttrs): RefArray {
  nhwc(x, 'Conv2D');
  const g = geometry('Conv2D', x.shape, filter.shape, attrs);
  const y = new Float64Array(g.n * g.oh * g.ow * g.co);
  if (bias) {
    ensure(bias.data.length === g.co, 'Conv2D', `bias must have ${g.co} values`);
    for (let i = 0; i < y.length; i++) y[i] = bias.data[i % g.co];
  }
  const [xd, fd, co] = [x.data, filter.data, g.co];
  forEachTap(g, attrs, (xb, fb, yi) => {
    let s = 0;
    for (let i = 0; i < g.cig; i++) s += xd[xb + i] * fd[fb + i * co];
    y[yi] += s;
  });
  return { shape: [g.n, g.oh, g.ow, g.co], data: y };
}

/** Gradient of Conv2D with respect to its input. */
export function refConv2DBackpropInput(
  dy: RefArray,
  filter: RefArray,
  attrs: ConvAttrs & { inputShape: readonly number[] },
): RefArray {
  const g = geometry('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  ensure(dy.data.length === g.n * g.oh * g.ow * g.co, 'Conv2DBackpropInput', `dy must be [${[g.n, g.oh, g.ow, g.co].join(',')}]`);
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const [fd, co] = [filter.data, g.co];
  forEachTap(g, attrs, (xb, fb, yi) => {
    const d = dy.data[yi];
    for (let i = 0; i < g.cig; i++) dx[xb + i] += d * fd[fb + i * co];
  });
  return { shape: [...attrs.inputShape], data: dx };
}

/** Gradient of Conv2D with respect to its filter. */
export function refConv2DBackpropFilter(
  x: RefArray,
  dy: RefArray,
  attrs: ConvAttrs & { filterShape: readonly number[] },
): RefArray {
  const g = geometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  ensure(dy.data.length === g.n * g.oh * g.ow * g.co, 'Conv2DBackpropFilter', `dy must be [${[g.n, g.oh, g.ow, g.co].join(',')}]`);
  const df = new Float64Array(g.kh * g.kw * g.cig * g.co);
  const [xd, co] = [x.data, g.co];
  forEachTap(g, attrs, (xb, fb, yi) => {
    const d = dy.data[yi];
    for (let i = 0; i < g.cig; i++) df[fb + i * co] += xd[xb + i] * d;
  });
  return { shape: [...attrs.filterShape], data: df };
}
