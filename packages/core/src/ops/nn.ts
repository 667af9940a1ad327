import { engine } from '../engine/engine.js';
import { check, fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { pad, reshape, transpose } from './layout.js';
import { matmul } from './linalg.js';

/** Padding as one number (all sides), [vertical, horizontal], or [top, bottom, left, right]. */
export type Padding2D = number | readonly [number, number] | readonly [number, number, number, number];

function pads4(p: Padding2D, op: string): [number, number, number, number] {
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[0], p[1], p[1]];
  check(p.length === 4, op, `padding must be a number, 2 or 4 numbers, got [${p.join(',')}]`);
  return [p[0], p[1], p[2], p[3]];
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export interface Conv2DOptions {
  bias?: Tensor;
  stride?: number | readonly [number, number];
  padding?: Padding2D;
  /** `zeros` (default) or `reflect` (the MSFlow backbone's padding). */
  padMode?: 'zeros' | 'reflect';
  groups?: number;
}

/**
 * 2-D convolution, NHWC input and HWIO filter ([kh, kw, inChannels/groups, outChannels]).
 *
 * @example
 * ```ts
 * const y = conv2d(x, w, { bias: b, padding: 1 }); // 3x3 "same" convolution
 * ```
 */
export function conv2d(x: Tensor, filter: Tensor, opts: Conv2DOptions = {}): Tensor {
  const pads = pads4(opts.padding ?? 0, 'conv2d');
  const strides = pair(opts.stride ?? 1);
  const groups = opts.groups ?? 1;
  if (opts.padMode === 'reflect' && pads.some((p) => p > 0)) {
    const padded = pad(x, [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], 'reflect');
    return engine.runKernel('Conv2D', [padded, filter, opts.bias], { strides, pads: [0, 0, 0, 0], groups });
  }
  return engine.runKernel('Conv2D', [x, filter, opts.bias], { strides, pads, groups });
}

export interface PoolOptions {
  stride?: number | readonly [number, number];
  padding?: Padding2D;
}

/** Average pool; `countIncludePad` (PyTorch's default, true) divides by the full window. */
export function avgPool(x: Tensor, kernel: number | readonly [number, number], opts: PoolOptions & { countIncludePad?: boolean } = {}): Tensor {
  const k = pair(kernel);
  return engine.runKernel('AvgPool', [x], {
    kernel: k,
    strides: pair(opts.stride ?? k),
    pads: pads4(opts.padding ?? 0, 'avgPool'),
    countIncludePad: opts.countIncludePad ?? true,
  });
}

/** Max pool; padding never wins. */
export function maxPool(x: Tensor, kernel: number | readonly [number, number], opts: PoolOptions = {}): Tensor {
  const k = pair(kernel);
  return engine.runKernel('MaxPool', [x], { kernel: k, strides: pair(opts.stride ?? k), pads: pads4(opts.padding ?? 0, 'maxPool') });
}

/** Row weights of PyTorch's adaptive average pool from n cells to m cells. */
export function adaptivePoolMatrix(n: number, m: number): Float32Array {
  const w = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const start = Math.floor((i * n) / m);
    const end = Math.ceil(((i + 1) * n) / m);
    for (let j = start; j < end; j++) w[i * n + j] = 1 / (end - start);
  }
  return w;
}

/**
 * PyTorch's AdaptiveAvgPool2d to `size`. Exact divisions run as one AvgPool; other sizes as
 * two small matrix products over the spatial axes.
 */
export function adaptiveAvgPool(x: Tensor, size: readonly [number, number]): Tensor {
  check(x.rank === 4, 'adaptiveAvgPool', `input must be NHWC, got ${fmt(x.shape)}`);
  const [n, h, w, c] = x.shape;
  const [oh, ow] = size;
  check(oh >= 1 && ow >= 1 && oh <= h && ow <= w, 'adaptiveAvgPool', `size ${oh}x${ow} must be within 1..${h}x${w}`);
  if (h % oh === 0 && w % ow === 0) {
    if (oh === h && ow === w) return x;
    return avgPool(x, [h / oh, w / ow]);
  }
  // [n,h,w,c] -> rows over h: (oh x h) @ [h, n*w*c]
  const xh = reshape(transpose(x, [1, 0, 2, 3]), [h, n * w * c]);
  const ph = matmul(tensor(adaptivePoolMatrix(h, oh), [oh, h]), xh); // [oh, n*w*c]
  const xw = reshape(transpose(reshape(ph, [oh, n, w, c]), [2, 1, 0, 3]), [w, n * oh * c]);
  const pw = matmul(tensor(adaptivePoolMatrix(w, ow), [ow, w]), xw); // [ow, n*oh*c]
  return transpose(reshape(pw, [ow, n, oh, c]), [1, 2, 0, 3]);
}

/** Bilinear resize of NHWC images; `alignCorners` as in PyTorch. */
export function resizeBilinear(x: Tensor, size: readonly [number, number], alignCorners: boolean): Tensor {
  if (x.shape[1] === size[0] && x.shape[2] === size[1]) return x;
  return engine.runKernel('ResizeBilinear', [x], { size: [size[0], size[1]], alignCorners });
}

/** Layer norm over the last axis (channels in NHWC) with affine parameters. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon = 1e-5): Tensor {
  return engine.runKernel('LayerNorm', [x, gamma, beta], { epsilon });
}

/** Mean of the k largest values along the last axis. */
export function topKMean(x: Tensor, k: number): Tensor {
  return engine.runKernel('TopKMean', [x], { k });
}
