import { aroundAxis, sizeOf, stridesOf } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { dot, linearKernel, runLinear, unravel } from './linear.js';
import { reshapeLazy } from './elementwise.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

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
  const merged = order.map((g) => sizeOf(g.map((p) => shape[p])));
  return { shape: merged, perm: groups.map((g) => order.indexOf(g)) };
}

function transpose(rt: KernelRuntime): WebgpuKernel<'Transpose'> {
  return linearKernel(rt, ({ inputs: [x], attrs }) => {
    const { shape, perm } = simplifyTranspose(x.shape, attrs.perm);
    const rank = shape.length;
    const inStrides = stridesOf(shape);
    // Output coordinate d reads input axis perm[d].
    return {
      label: `transpose r${rank}`,
      inputs: [{ name: 'x' }],
      body: `${unravel(rank, 'dim')}\n  out[i] = x[${dot(rank, 'stride')}];`,
      uniforms: (u) => u.u32s('dim', perm.map((p) => shape[p])).u32s('stride', perm.map((p) => inStrides[p])),
      buffers: [rt.buffer(x)],
    };
  });
}

function reshape(rt: KernelRuntime): WebgpuKernel<'Reshape'> {
  // A pending element-wise result keeps being fusable under its new shape.
  return ({ inputs: [x], outShape }) => reshapeLazy(x, outShape) ?? rt.alias(x, outShape);
}

/** Copies x ([outer, inner]) into out ([outer, total]) at column `offset`. */
const BLOCK_COPY = `  let o = i / u.inner; let j = i % u.inner;
  out[o * u.total + u.offset + j] = x[i];`;

function concat(rt: KernelRuntime): WebgpuKernel<'Concat'> {
  return ({ inputs, attrs: { axis }, outShape }) => {
    const out = rt.output(outShape);
    const innerOf = (s: readonly number[]) => sizeOf(s.slice(axis));
    const total = innerOf(outShape);
    let offset = 0;
    for (const x of inputs) {
      const inner = innerOf(x.shape);
      runLinear(rt, { label: 'concat part', inputs: [{ name: 'x' }], body: BLOCK_COPY }, sizeOf(x.shape), (u) => u.u32({ inner, total, offset }), [rt.buffer(x)], out.storage!);
      offset += inner;
    }
    return out;
  };
}

function slice(rt: KernelRuntime): WebgpuKernel<'Slice'> {
  return linearKernel(rt, ({ inputs: [x], attrs: { begin }, outShape }) => {
    const rank = outShape.length;
    const strides = stridesOf(x.shape);
    return {
      label: `slice r${rank}`,
      inputs: [{ name: 'x' }],
      body: `${unravel(rank, 'dim')}\n  out[i] = x[u.start + ${dot(rank, 'stride')}];`,
      uniforms: (u) => u.u32({ start: begin.reduce((s, b, d) => s + b * strides[d], 0) }).u32s('dim', outShape).u32s('stride', strides),
      buffers: [rt.buffer(x)],
    };
  });
}

function pad(rt: KernelRuntime): WebgpuKernel<'Pad'> {
  return linearKernel(rt, ({ inputs: [x], attrs: { pads, value }, outShape }) => {
    const rank = outShape.length;
    // Coordinates as i32 so a position in the leading pad goes negative.
    const inside = Array.from({ length: rank }, (_, d) => `i32(c${d}) - i32(u.before${d}) >= 0 && i32(c${d}) - i32(u.before${d}) < i32(u.in_dim${d})`);
    const offset = Array.from({ length: rank }, (_, d) => `(c${d} - u.before${d}) * u.stride${d}`).join(' + ') || '0u';
    return {
      label: `pad r${rank}`,
      inputs: [{ name: 'x' }],
      body: `${unravel(rank, 'dim')}
  var v = u.value;
  if (${inside.join(' && ') || 'true'}) { v = x[${offset}]; }
  out[i] = v;`,
      uniforms: (u) => u.f32({ value }).u32s('dim', outShape).u32s('in_dim', x.shape).u32s('before', pads.map((p) => p[0])).u32s('stride', stridesOf(x.shape)),
      buffers: [rt.buffer(x)],
    };
  });
}

function gather(rt: KernelRuntime): WebgpuKernel<'Gather'> {
  return linearKernel(rt, ({ inputs: [x], attrs: { axis, indices } }) => {
    const [, n, inner] = aroundAxis(x.shape, axis);
    return {
      label: 'gather',
      inputs: [{ name: 'x' }, { name: 'idx', type: 'u32' }],
      body: `  let o = i / (u.count * u.inner); let r = i % (u.count * u.inner); let j = r / u.inner; let q = r % u.inner;
  out[i] = x[(o * u.axis_len + idx[j]) * u.inner + q];`,
      uniforms: (u) => u.u32({ count: indices.length, inner, axis_len: n }),
      buffers: [rt.buffer(x), rt.table(`u32:${indices.join(',')}`, () => Uint32Array.from(indices))],
    };
  });
}

/**
 * ScatterAdd as a gather: each output slot sums the inputs sent to it, listed in a CSR table
 * built on the host ([size + 1 offsets, then source positions]), so no atomics are needed and
 * the sum order is fixed.
 */
function scatterAdd(rt: KernelRuntime): WebgpuKernel<'ScatterAdd'> {
  return linearKernel(rt, ({ inputs: [x], attrs: { axis, indices, size } }) => {
    const [, n, inner] = aroundAxis(x.shape, axis);
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
    return {
      label: 'scatter-add',
      inputs: [{ name: 'x' }, { name: 'csr', type: 'u32' }],
      body: `  let o = i / (u.size * u.inner); let r = i % (u.size * u.inner); let t = r / u.inner; let q = r % u.inner;
  var acc = 0.0;
  for (var e = csr[t]; e < csr[t + 1u]; e = e + 1u) {
    acc = acc + x[(o * u.axis_len + csr[u.size + 1u + e]) * u.inner + q];
  }
  out[i] = acc;`,
      uniforms: (u) => u.u32({ size, inner, axis_len: n }),
      buffers: [rt.buffer(x), csr],
    };
  });
}

/** The layout kernels. */
export function layoutKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'Transpose' | 'Reshape' | 'Concat' | 'Slice' | 'Pad' | 'Gather' | 'ScatterAdd'> {
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
