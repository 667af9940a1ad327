import {
  BINARY_KERNELS,
  REDUCE_KERNELS,
  UNARY_KERNELS,
  type ConvAttrs,
  type KernelAttrsMap,
  type KernelName,
  type PoolAttrs,
} from './kernel_names.js';
import { broadcastShapes, check, fmt, sizeOf, windowOut, type Shape } from '../tensor/shape.js';

/** Checks a kernel's inputs and attributes and returns its output shape. */
export type ShapeRule<K extends KernelName> = (shapes: readonly Shape[], attrs: KernelAttrsMap[K]) => number[];

const rank = (k: string, s: Shape, r: number, what = 'x') =>
  check(s.length === r, k, `${what} must have rank ${r}, got ${fmt(s)}`);

function checkIntPairs(k: string, name: string, v: readonly number[], len: number, min: number): void {
  check(
    v.length === len && v.every((d) => Number.isInteger(d) && d >= min),
    k,
    `${name} must be ${len} integers >= ${min}, got [${v.join(',')}]`,
  );
}

function convOut(k: string, x: Shape, fShape: Shape, a: ConvAttrs): number[] {
  rank(k, x, 4, 'input');
  rank(k, fShape, 4, 'filter');
  checkIntPairs(k, 'strides', a.strides, 2, 1);
  checkIntPairs(k, 'pads', a.pads, 4, 0);
  check(Number.isInteger(a.groups) && a.groups >= 1, k, `groups must be a positive integer, got ${a.groups}`);
  const [, h, w, c] = x;
  const [kh, kw, ci, co] = fShape;
  check(c % a.groups === 0 && co % a.groups === 0, k, `channels in ${c} and out ${co} must divide groups ${a.groups}`);
  check(ci === c / a.groups, k, `filter ${fmt(fShape)} expects ${ci * a.groups} input channels, input ${fmt(x)} has ${c}`);
  const oh = windowOut(h, kh, a.strides[0], a.pads[0], a.pads[1]);
  const ow = windowOut(w, kw, a.strides[1], a.pads[2], a.pads[3]);
  check(oh > 0 && ow > 0, k, `filter ${kh}x${kw} does not fit padded input ${fmt(x)}`);
  return [x[0], oh, ow, co];
}

function poolOut(k: string, x: Shape, a: PoolAttrs): number[] {
  rank(k, x, 4);
  checkIntPairs(k, 'kernel', a.kernel, 2, 1);
  checkIntPairs(k, 'strides', a.strides, 2, 1);
  checkIntPairs(k, 'pads', a.pads, 4, 0);
  check(
    a.pads[0] < a.kernel[0] && a.pads[1] < a.kernel[0] && a.pads[2] < a.kernel[1] && a.pads[3] < a.kernel[1],
    k,
    `padding [${a.pads.join(',')}] must be smaller than the window ${a.kernel.join('x')}`,
  );
  const oh = windowOut(x[1], a.kernel[0], a.strides[0], a.pads[0], a.pads[1]);
  const ow = windowOut(x[2], a.kernel[1], a.strides[1], a.pads[2], a.pads[3]);
  check(oh > 0 && ow > 0, k, `window ${a.kernel.join('x')} does not fit input ${fmt(x)}`);
  return [x[0], oh, ow, x[3]];
}

function reduceOut(k: string, x: Shape, a: KernelAttrsMap['Sum']): number[] {
  check(a.axes.every((ax, i) => Number.isInteger(ax) && ax >= 0 && ax < x.length && (i === 0 || ax > a.axes[i - 1])), k,
    `axes [${a.axes.join(',')}] must be sorted unique axes of rank ${x.length}`);
  if (k === 'Max') check(a.axes.every((ax) => x[ax] > 0), k, `cannot take the max over an empty axis of ${fmt(x)}`);
  return a.keepDims ? x.map((d, i) => (a.axes.includes(i) ? 1 : d)) : x.filter((_, i) => !a.axes.includes(i));
}

const same: ShapeRule<KernelName> = (s) => [...s[0]];
const binary = (k: string): ShapeRule<KernelName> => (s) => broadcastShapes(s[0], s[1], k);

/** Shape rules of every kernel; a missing entry is a compile error. */
export const KERNEL_SPECS: { [K in KernelName]: ShapeRule<K> } = {
  ...(Object.fromEntries(UNARY_KERNELS.map((k) => [k, same])) as { [K in (typeof UNARY_KERNELS)[number]]: ShapeRule<K> }),
  ...(Object.fromEntries(BINARY_KERNELS.map((k) => [k, binary(k)])) as {
    [K in (typeof BINARY_KERNELS)[number]]: ShapeRule<K>;
  }),
  ...(Object.fromEntries(REDUCE_KERNELS.map((k) => [k, (s: Shape[], a: KernelAttrsMap['Sum']) => reduceOut(k, s[0], a)])) as {
    [K in (typeof REDUCE_KERNELS)[number]]: ShapeRule<K>;
  }),
  MatMul: ([a, b], { transposeA, transposeB }) => {
    rank('MatMul', a, 2, 'a');
    rank('MatMul', b, 2, 'b');
    const [m, ka] = transposeA ? [a[1], a[0]] : [a[0], a[1]];
    const [kb, n] = transposeB ? [b[1], b[0]] : [b[0], b[1]];
    check(ka === kb, 'MatMul', `inner dimensions differ: a ${fmt(a)}${transposeA ? 'ᵀ' : ''} and b ${fmt(b)}${transposeB ? 'ᵀ' : ''}`);
    return [m, n];
  },
  Conv2D: (s, a) => {
    const out = convOut('Conv2D', s[0], s[1], a);
    if (s[2]) check(s[2].length === 1 && s[2][0] === out[3], 'Conv2D', `bias must be [${out[3]}], got ${fmt(s[2])}`);
    return out;
  },
  Conv2DBackpropInput: ([dy, f], a) => {
    const out = convOut('Conv2DBackpropInput', a.inputShape, f, a);
    check(dy.length === 4 && dy.every((d, i) => d === out[i]), 'Conv2DBackpropInput', `dy ${fmt(dy)} must be ${fmt(out)}`);
    return [...a.inputShape];
  },
  Conv2DBackpropFilter: ([x, dy], a) => {
    const out = convOut('Conv2DBackpropFilter', x, a.filterShape, a);
    check(dy.every((d, i) => d === out[i]) && dy.length === 4, 'Conv2DBackpropFilter', `dy ${fmt(dy)} must be ${fmt(out)}`);
    return [...a.filterShape];
  },
  AvgPool: ([x], a) => poolOut('AvgPool', x, a),
  AvgPoolGrad: ([dy], a) => {
    const out = poolOut('AvgPoolGrad', a.inputShape, a);
    check(dy.length === 4 && dy.every((d, i) => d === out[i]), 'AvgPoolGrad', `dy ${fmt(dy)} must be ${fmt(out)}`);
    return [...a.inputShape];
  },
  MaxPool: ([x], a) => poolOut('MaxPool', x, a),
  ResizeBilinear: ([x], a) => {
    rank('ResizeBilinear', x, 4);
    checkIntPairs('ResizeBilinear', 'size', a.size, 2, 1);
    return [x[0], a.size[0], a.size[1], x[3]];
  },
  ResizeBilinearGrad: ([dy], a) => {
    rank('ResizeBilinearGrad', dy, 4, 'dy');
    checkIntPairs('ResizeBilinearGrad', 'inputSize', a.inputSize, 2, 1);
    return [dy[0], a.inputSize[0], a.inputSize[1], dy[3]];
  },
  LayerNorm: ([x, g, b], a) => {
    check(x.length >= 1, 'LayerNorm', 'input must have rank >= 1');
    const c = x[x.length - 1];
    check(g.length === 1 && g[0] === c && b.length === 1 && b[0] === c, 'LayerNorm',
      `gamma ${fmt(g)} and beta ${fmt(b)} must both be [${c}] for input ${fmt(x)}`);
    check(a.epsilon > 0, 'LayerNorm', `epsilon must be positive, got ${a.epsilon}`);
    return [...x];
  },
  Transpose: ([x], { perm }) => {
    check(perm.length === x.length && [...perm].sort((p, q) => p - q).every((p, i) => p === i), 'Transpose',
      `perm [${perm.join(',')}] is not a permutation of rank ${x.length}`);
    return perm.map((p) => x[p]);
  },
  Reshape: ([x], { shape }) => {
    check(shape.every((d) => Number.isInteger(d) && d >= 0) && sizeOf(shape) === sizeOf(x), 'Reshape',
      `cannot reshape ${fmt(x)} (${sizeOf(x)} elements) to ${fmt(shape)}`);
    return [...shape];
  },
  Concat: (s, { axis }) => {
    check(s.length >= 1, 'Concat', 'needs at least one input');
    const r = s[0].length;
    check(Number.isInteger(axis) && axis >= 0 && axis < r, 'Concat', `axis ${axis} out of range for rank ${r}`);
    const out = [...s[0]];
    for (const t of s.slice(1)) {
      check(t.length === r && t.every((d, i) => i === axis || d === s[0][i]), 'Concat',
        `shapes ${s.map(fmt).join(', ')} differ outside axis ${axis}`);
      out[axis] += t[axis];
    }
    return out;
  },
  Slice: ([x], { begin, size }) => {
    check(begin.length === x.length && size.length === x.length, 'Slice', `begin and size must have rank ${x.length}`);
    check(begin.every((b, i) => Number.isInteger(b) && Number.isInteger(size[i]) && b >= 0 && size[i] >= 0 && b + size[i] <= x[i]),
      'Slice', `begin [${begin.join(',')}] size [${size.join(',')}] out of bounds for ${fmt(x)}`);
    return [...size];
  },
  Pad: ([x], { pads }) => {
    check(pads.length === x.length && pads.every(([p, q]) => Number.isInteger(p) && Number.isInteger(q) && p >= 0 && q >= 0),
      'Pad', `pads must be ${x.length} pairs of non-negative integers`);
    return x.map((d, i) => d + pads[i][0] + pads[i][1]);
  },
  Gather: ([x], { axis, indices }) => {
    check(Number.isInteger(axis) && axis >= 0 && axis < x.length, 'Gather', `axis ${axis} out of range for ${fmt(x)}`);
    check(indices.every((i) => Number.isInteger(i) && i >= 0 && i < x[axis]), 'Gather',
      `indices must be integers in [0, ${x[axis]})`);
    return x.map((d, i) => (i === axis ? indices.length : d));
  },
  ScatterAdd: ([x], { axis, indices, size }) => {
    check(Number.isInteger(axis) && axis >= 0 && axis < x.length, 'ScatterAdd', `axis ${axis} out of range for ${fmt(x)}`);
    check(indices.length === x[axis], 'ScatterAdd', `needs ${x[axis]} indices, got ${indices.length}`);
    check(indices.every((i) => Number.isInteger(i) && i >= 0 && i < size), 'ScatterAdd', `indices must be in [0, ${size})`);
    return x.map((d, i) => (i === axis ? size : d));
  },
  TopKMean: ([x], { k }) => {
    check(x.length >= 1, 'TopKMean', 'input must have rank >= 1');
    const n = x[x.length - 1];
    check(Number.isInteger(k) && k >= 1 && k <= n, 'TopKMean', `k must be an integer in [1, ${n}], got ${k}`);
    return x.slice(0, -1);
  },
};
