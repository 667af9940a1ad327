import { sizeOf, type KernelImpl, type KernelTable } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { dot, runLinear, stridesOf, unravel } from './linear.js';
import { reshapeLazy } from './elementwise.js';

/**
 * Layout kernels: pure copies with index arithmetic (bit-exact). Shapes are merged where axes
 * stay adjacent so the index arithmetic runs over the fewest dimensions.
 */

/** Transpose after merging input axes that stay adjacent and in order under `perm`. */
export function simplifyTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Drop unit axes, then merge runs p, p+1 in the permutation.
  const keep = perm.filter((p) => shape[p] !== 1);
  const groups: number[][] = [];
  for (const p of keep) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else groups.push([p]);
  }
  const order = [...groups].sort((a, b) => a[0] - b[0]);
  const merged = order.map((g) => g.reduce((s, p) => s * shape[p], 1));
  return { shape: merged, perm: groups.map((g) => order.indexOf(g)) };
}

function transpose(rt: KernelRuntime): KernelImpl<'Transpose'> {
  return ({ inputs: [x], attrs, outShape }) => {
    const out = rt.output(outShape);
    const { shape, perm } = simplifyTranspose(x.shape, attrs.perm);
    const rank = shape.length;
    const inStrides = stridesOf(shape);
    // Output coordinate d reads input axis perm[d].
    runLinear(
      rt,
      { label: `transpose r${rank}`, inputs: [{ name: 'x' }], body: `${unravel(rank, 1)}\n  out[i] = x[${dot(rank, 1 + rank)}];` },
      sizeOf(outShape),
      (w) => {
        w.u32(...perm.map((p) => shape[p]));
        w.u32(...perm.map((p) => inStrides[p]));
      },
      [rt.buffer(x)],
      out.storage!,
    );
    return out;
  };
}

function reshape(rt: KernelRuntime): KernelImpl<'Reshape'> {
  return ({ inputs: [x], outShape }) => {
    const d = rt.data(x);
    // A pending element-wise result keeps being fusable under its new shape.
    return reshapeLazy(d, outShape) ?? rt.alias(d, outShape);
  };
}

/** Copies x ([outer, inner]) into out ([outer, total]) at column `offset`. */
const BLOCK_COPY = `  let o = i / P(1u); let j = i % P(1u);
  out[o * P(2u) + P(3u) + j] = x[i];`;

function concat(rt: KernelRuntime): KernelImpl<'Concat'> {
  return ({ inputs, attrs: { axis }, outShape }) => {
    const out = rt.output(outShape);
    const innerOf = (s: readonly number[]) => s.slice(axis).reduce((a, b) => a * b, 1);
    const total = innerOf(outShape);
    let offset = 0;
    for (const x of inputs) {
      const inner = innerOf(x.shape);
      runLinear(rt, { label: 'concat part', inputs: [{ name: 'x' }], body: BLOCK_COPY }, sizeOf(x.shape), (w) => w.u32(inner, total, offset), [rt.buffer(x)], out.storage!);
      offset += inner;
    }
    return out;
  };
}

function slice(rt: KernelRuntime): KernelImpl<'Slice'> {
  return ({ inputs: [x], attrs: { begin }, outShape }) => {
    const out = rt.output(outShape);
    const rank = outShape.length;
    const strides = stridesOf(x.shape);
    const start = begin.reduce((s, b, d) => s + b * strides[d], 0);
    runLinear(
      rt,
      { label: `slice r${rank}`, inputs: [{ name: 'x' }], body: `${unravel(rank, 2)}\n  out[i] = x[P(1u) + ${dot(rank, 2 + rank)}];` },
      sizeOf(outShape),
      (w) => w.u32(start, ...outShape, ...strides),
      [rt.buffer(x)],
      out.storage!,
    );
    return out;
  };
}

function pad(rt: KernelRuntime): KernelImpl<'Pad'> {
  return ({ inputs: [x], attrs: { pads, value }, outShape }) => {
    const out = rt.output(outShape);
    const rank = outShape.length;
    const strides = stridesOf(x.shape);
    // Coordinates as i32 so a position in the leading pad goes negative.
    const inside = Array.from({ length: rank }, (_, d) => `(i32(c${d}) - PI(${2 + 2 * rank + d}u)) >= 0 && (i32(c${d}) - PI(${2 + 2 * rank + d}u)) < PI(${2 + rank + d}u)`);
    const offset = Array.from({ length: rank }, (_, d) => `(c${d} - P(${2 + 2 * rank + d}u)) * P(${2 + 3 * rank + d}u)`).join(' + ') || '0u';
    const body = `${unravel(rank, 2)}
  var v = PF(1u);
  if (${inside.join(' && ') || 'true'}) { v = x[${offset}]; }
  out[i] = v;`;
    runLinear(
      rt,
      { label: `pad r${rank}`, inputs: [{ name: 'x' }], body },
      sizeOf(outShape),
      (w) => {
        w.f32(value);
        w.u32(...outShape, ...x.shape, ...pads.map((p) => p[0]), ...strides);
      },
      [rt.buffer(x)],
      out.storage!,
    );
    return out;
  };
}

/** [outer, axis, inner] split of a shape around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [shape.slice(0, axis).reduce((a, b) => a * b, 1), shape[axis], shape.slice(axis + 1).reduce((a, b) => a * b, 1)];
}

function gather(rt: KernelRuntime): KernelImpl<'Gather'> {
  return ({ inputs: [x], attrs: { axis, indices }, outShape }) => {
    const out = rt.output(outShape);
    const [, n, inner] = around(x.shape, axis);
    const idx = rt.table(`u32:${indices.join(',')}`, () => Uint32Array.from(indices));
    const body = `  let o = i / (P(1u) * P(2u)); let r = i % (P(1u) * P(2u)); let j = r / P(2u); let q = r % P(2u);
  out[i] = x[(o * P(3u) + idx[j]) * P(2u) + q];`;
    runLinear(
      rt,
      { label: 'gather', inputs: [{ name: 'x' }, { name: 'idx', type: 'u32' }], body },
      sizeOf(outShape),
      (w) => w.u32(indices.length, inner, n),
      [rt.buffer(x), idx],
      out.storage!,
    );
    return out;
  };
}

/**
 * ScatterAdd as a gather: each output slot sums the inputs sent to it, listed in a CSR table
 * built on the host ([size + 1 offsets, then source positions]), so no atomics are needed and
 * the sum order is fixed.
 */
function scatterAdd(rt: KernelRuntime): KernelImpl<'ScatterAdd'> {
  return ({ inputs: [x], attrs: { axis, indices, size }, outShape }) => {
    const out = rt.output(outShape);
    const [, n, inner] = around(x.shape, axis);
    const csr = rt.table(`csr:${size}:${indices.join(',')}`, () => {
      const counts = new Array<number>(size + 1).fill(0);
      for (const t of indices) counts[t + 1]++;
      for (let t = 0; t < size; t++) counts[t + 1] += counts[t];
      const table = new Uint32Array(size + 1 + indices.length);
      table.set(counts);
      const fill = counts.slice(0, size);
      indices.forEach((t, j) => (table[size + 1 + fill[t]++] = j));
      return table;
    });
    const body = `  let o = i / (P(1u) * P(2u)); let r = i % (P(1u) * P(2u)); let t = r / P(2u); let q = r % P(2u);
  var acc = 0.0;
  for (var e = csr[t]; e < csr[t + 1u]; e = e + 1u) {
    acc = acc + x[(o * P(3u) + csr[P(1u) + 1u + e]) * P(2u) + q];
  }
  out[i] = acc;`;
    runLinear(
      rt,
      { label: 'scatter-add', inputs: [{ name: 'x' }, { name: 'csr', type: 'u32' }], body },
      sizeOf(outShape),
      (w) => w.u32(size, inner, n),
      [rt.buffer(x), csr],
      out.storage!,
    );
    return out;
  };
}

/** The layout kernels. */
export function layoutKernels(rt: KernelRuntime): KernelTable {
  return {
    Transpose: transpose(rt),
    Reshape: reshape(rt),
    Concat: concat(rt),
    Slice: slice(rt),
    Pad: pad(rt),
    Gather: gather(rt),
    ScatterAdd: scatterAdd(rt),
  };
}
