import type { ConvAttrs } from '@msflow/core';
import { as4d, dims, hasPadding, nhwcPads, type TfContext, type TfKernelTable, type TfTensor, type TfTensor4D } from './types.js';

type Pads = readonly [number, number, number, number];
type Shape4 = [number, number, number, number];
type ExplicitPads = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Conv2D and its two gradients (NHWC input, HWIO filter, explicit zero pads, groups).
 *
 * Forward: tfjs fused conv2d with the bias (groups 1), depthwiseConv2d (groups === channels), else
 * one conv2d per group, concatenated; then the bias.
 *
 * Gradients, `composed` (every tfjs backend can run these; on wasm they use its fast XNNPACK
 * forward convolution, and wasm has no filter-gradient kernel at all):
 * - input: a stride-1 convolution of the stride-dilated, padded `dy` with the spatially flipped,
 *   in/out-swapped filter (depthwise: a depthwise convolution);
 * - filter: a convolution of the padded input with batch and channels swapped, by `dy` used as
 *   the filter (dilated by the stride): out[c,i,j,o] = Σ x[n, i+y·sh, j+x·sw, c] · dy[n,y,x,o];
 *   depthwise: per tap, Σ x·dy over pixels.
 *
 * `native` uses tfjs's Conv2DBackpropInput / Conv2DBackpropFilter kernels (groups 1) instead.
 */
export function convKernels(ctx: TfContext): Pick<TfKernelTable, 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter'> {
  const { tf } = ctx;

  /** The tfjs padding argument, or null when the input must be zero-padded first. */
  const padArg = (pads: Pads): 'valid' | ExplicitPads | null =>
    !hasPadding(pads) ? 'valid' : ctx.explicitPadding ? nhwcPads(pads) : null;

  const zeroPad = (x: TfTensor, pads: Pads): TfTensor4D => as4d(hasPadding(pads) ? tf.pad(x, nhwcPads(pads)) : x);

  /** A stride-1, `valid` convolution of `x` padded (positive) or cropped (negative) by `p`. */
  const convPadOrCrop = (x: TfTensor, p: Pads, conv: (input: TfTensor4D, pad: 'valid' | ExplicitPads) => TfTensor): TfTensor => {
    if (p.every((v) => v >= 0)) {
      const arg = padArg(p);
      return arg === null ? conv(zeroPad(x, p), 'valid') : conv(as4d(x), arg);
    }
    const [n, h, w, c] = dims(x);
    const t = Math.max(0, -p[0]);
    const l = Math.max(0, -p[2]);
    const cropped = tf.slice(x, [0, t, l, 0], [n, h - t - Math.max(0, -p[1]), w - l - Math.max(0, -p[3]), c]);
    return convPadOrCrop(cropped, [Math.max(0, p[0]), Math.max(0, p[1]), Math.max(0, p[2]), Math.max(0, p[3])], conv);
  };

  /** Inserts stride-1 zeros between the rows and columns of `dy`. */
  const dilate = (dy: TfTensor, [sh, sw]: readonly [number, number]): TfTensor => {
    if (sh === 1 && sw === 1) return dy;
    const [n, oh, ow, c] = dims(dy);
    const spread = tf.pad(tf.reshape(dy, [n * oh, 1, ow, 1, c]), [[0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    return tf.slice(tf.reshape(spread, [n, oh * sh, ow * sw, c]), [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
  };

  /** The forward convolution; the bias is fused into tfjs's convolution where it has one. */
  const forward = (x: TfTensor, f: TfTensor, bias: TfTensor | undefined, strides: [number, number], pads: Pads, groups: number): TfTensor => {
    const arg = padArg(pads);
    const input = arg === null ? zeroPad(x, pads) : as4d(x);
    const pad = arg ?? 'valid';
    const c = dims(x)[3];
    const [kh, kw, , co] = dims(f);
    if (groups === 1) return tf.fused.conv2d({ x: input, filter: as4d(f), strides, pad, bias });
    let y: TfTensor;
    if (groups === c) y = tf.depthwiseConv2d(input, as4d(tf.reshape(f, [kh, kw, c, co / c])), strides, pad);
    else {
      const xs = tf.split(input, groups, 3);
      const fs = tf.split(f, groups, 3);
      y = tf.concat(xs.map((xg, g) => tf.conv2d(as4d(xg), as4d(fs[g]), strides, pad)), 3);
    }
    return bias ? tf.add(y, bias) : y;
  };

  /** Input gradient as a forward convolution (groups 1 or depthwise). */
  const composedBackpropInput = (dy: TfTensor, f: TfTensor, inputShape: Shape4, strides: [number, number], pads: Pads, depthwise: boolean): TfTensor => {
    const [n, h, w, c] = inputShape;
    const [kh, kw, , co] = dims(f);
    const d = dilate(dy, strides);
    const [, dh, dw] = dims(d);
    const top = kh - 1 - pads[0];
    const left = kw - 1 - pads[2];
    const full: Pads = [top, h + kh - 1 - top - dh, left, w + kw - 1 - left - dw];
    const flipped = tf.reverse(f, [0, 1]);
    if (!depthwise) {
      const swapped = as4d(tf.transpose(flipped, [0, 1, 3, 2]));
      return convPadOrCrop(d, full, (input, pad) => tf.conv2d(input, swapped, 1, pad));
    }
    const perChannel = as4d(tf.reshape(flipped, [kh, kw, co, 1]));
    const y = convPadOrCrop(d, full, (input, pad) => tf.depthwiseConv2d(input, perChannel, 1, pad));
    return co === c ? y : tf.sum(tf.reshape(y, [n, h, w, c, co / c]), 4);
  };

  const nativeBackpropInput = (dy: TfTensor, f: TfTensor, inputShape: Shape4, strides: [number, number], pads: Pads): TfTensor => {
    const arg = padArg(pads);
    if (arg !== null) return tf.conv2dTranspose(as4d(dy), as4d(f), inputShape, strides, arg);
    const [n, h, w, c] = inputShape;
    const [t, b, l, r] = pads;
    const full = tf.conv2dTranspose(as4d(dy), as4d(f), [n, h + t + b, w + l + r, c], strides, 'valid');
    return tf.slice(full, [0, t, l, 0], [n, h, w, c]);
  };

  const backpropInput = (dy: TfTensor, f: TfTensor, a: ConvAttrs & { inputShape: Shape4 }): TfTensor => {
    const [n, h, w, c] = a.inputShape;
    if (a.groups === c && dims(f)[2] === 1 && c > 1) return composedBackpropInput(dy, f, a.inputShape, a.strides, a.pads, true);
    const one = (d: TfTensor, fg: TfTensor, shape: Shape4) =>
      ctx.convGrad.input === 'native'
        ? nativeBackpropInput(d, fg, shape, a.strides, a.pads)
        : composedBackpropInput(d, fg, shape, a.strides, a.pads, false);
    if (a.groups === 1) return one(dy, f, a.inputShape);
    const dys = tf.split(dy, a.groups, 3);
    const fs = tf.split(f, a.groups, 3);
    return tf.concat(dys.map((d, g) => one(d, fs[g], [n, h, w, c / a.groups])), 3);
  };

  /** Filter gradient of a groups-1 convolution as a convolution of x (batch ↔ channels) by dy. */
  const composedBackpropFilter = (xp: TfTensor, dy: TfTensor, [kh, kw, ci, co]: Shape4, [sh, sw]: [number, number]): TfTensor => {
    const input = as4d(tf.transpose(xp, [3, 1, 2, 0])); // [c, Hp, Wp, n]
    const filter = as4d(tf.transpose(dy, [1, 2, 0, 3])); // [oh, ow, n, co]
    let out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', [sh, sw]); // [c, >=kh, >=kw, co]
    const [, oh, ow] = dims(out);
    if (oh !== kh || ow !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(out, [1, 2, 0, 3]);
  };

  /** Depthwise filter gradient: per tap, Σ over pixels of x[c] · dy[c·m + j]. */
  const depthwiseBackpropFilter = (xp: TfTensor, dy: TfTensor, [kh, kw, , co]: Shape4, [sh, sw]: [number, number]): TfTensor => {
    const [n, oh, ow] = dims(dy);
    const c = dims(xp)[3];
    const rows = n * oh * ow;
    const dyr = tf.reshape(dy, [rows, c, co / c]);
    const parts: TfTensor[] = [];
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        parts.push(
          tf.tidy(() => {
            const tap =
              sh === 1 && sw === 1
                ? tf.slice(xp, [0, i, j, 0], [n, oh, ow, c])
                : tf.stridedSlice(xp, [0, i, j, 0], [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c], [1, sh, sw, 1]);
            return tf.sum(tf.mul(tf.reshape(tap, [rows, c, 1]), dyr), 0);
          }),
        );
      }
    return tf.reshape(tf.stack(parts), [kh, kw, 1, co]);
  };

  const nativeBackpropFilter = (x: TfTensor, dy: TfTensor, a: ConvAttrs & { filterShape: Shape4 }): TfTensor => {
    const arg = padArg(a.pads);
    return tf.engine().runKernel('Conv2DBackpropFilter', { x: arg === null ? zeroPad(x, a.pads) : x, dy }, {
      strides: a.strides,
      pad: arg ?? 'valid',
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape: a.filterShape,
    } as never) as TfTensor;
  };

  const backpropFilter = (x: TfTensor, dy: TfTensor, a: ConvAttrs & { filterShape: Shape4 }): TfTensor => {
    const [kh, kw, ci, co] = a.filterShape;
    const c = dims(x)[3];
    if (a.groups === 1 && ctx.convGrad.filter === 'native' && ctx.hasKernel('Conv2DBackpropFilter')) return nativeBackpropFilter(x, dy, a);
    const xp = zeroPad(x, a.pads);
    if (a.groups === c && ci === 1 && c > 1) return depthwiseBackpropFilter(xp, dy, a.filterShape, a.strides);
    if (a.groups === 1) return composedBackpropFilter(xp, dy, a.filterShape, a.strides);
    const xs = tf.split(xp, a.groups, 3);
    const dys = tf.split(dy, a.groups, 3);
    return tf.concat(xs.map((xg, g) => composedBackpropFilter(xg, dys[g], [kh, kw, ci, co / a.groups], a.strides)), 3);
  };

  return {
    Conv2D: ({ inputs: [x, f, bias], attrs: a }) => forward(x, f, bias, a.strides, a.pads, a.groups),
    Conv2DBackpropInput: ({ inputs: [dy, f], attrs: a }) => backpropInput(dy, f, a),
    Conv2DBackpropFilter: ({ inputs: [x, dy], attrs: a }) => backpropFilter(x, dy, a),
  };
}
