import { bilinearTaps } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Uniforms } from '../wgsl/uniforms.js';
import { linearKernel } from './linear.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/**
 * Bilinear resize (PyTorch's coordinate rules) and its exact adjoint. The taps along each axis
 * are core's ({@link bilinearTaps}), computed on the host in float64 and cached as tables, so the
 * forward and gradient kernels use the very same weights and the gradient gathers (no atomics).
 */

const f32Bits = (v: number): number => new Uint32Array(Float32Array.of(v).buffer)[0];

/** Forward table: per output row then per output column, [i0, i1, frac bits]. */
function forwardTable(h: number, w: number, oh: number, ow: number, align: boolean): Uint32Array {
  const rows = [...bilinearTaps(h, oh, align), ...bilinearTaps(w, ow, align)];
  return Uint32Array.from(rows.flatMap((t) => [t.i0, t.i1, f32Bits(t.frac)]));
}

/**
 * Gradient table of one axis in CSR form: `inSize + 1` offsets (relative to the entries), then
 * entries [output index, weight bits] of every output reading each input cell.
 */
function adjointAxis(inSize: number, outSize: number, align: boolean): number[][] {
  const lists: number[][][] = Array.from({ length: inSize }, () => []);
  bilinearTaps(inSize, outSize, align).forEach((t, o) => {
    const add = (i: number, wt: number) => {
      const hit = lists[i].find((e) => e[0] === o);
      if (hit) hit[1] += wt;
      else lists[i].push([o, wt]);
    };
    add(t.i0, 1 - t.frac);
    add(t.i1, t.frac);
  });
  return lists.map((l) => l.flatMap(([o, wt]) => [o, f32Bits(wt)]));
}

/**
 * [cols start, rows CSR, cols CSR]. Each CSR part: `size + 1` offsets (absolute indices into
 * the table) then entries; the rows part starts at index 1.
 */
function gradTable(h: number, w: number, oh: number, ow: number, align: boolean): Uint32Array {
  const t: number[] = [0];
  const part = (lists: number[][]) => {
    let at = t.length + lists.length + 1;
    for (const l of lists) {
      t.push(at);
      at += l.length;
    }
    t.push(at);
    for (const l of lists) t.push(...l);
  };
  part(adjointAxis(h, oh, align));
  t[0] = t.length;
  part(adjointAxis(w, ow, align));
  return Uint32Array.from(t);
}

/** The named sizes both kernels read. */
const sizes = (u: Uniforms, c: number, h: number, w: number, oh: number, ow: number) =>
  u.u32({ channels: c, height: h, width: w, out_height: oh, out_width: ow });

const FORWARD = `  let ch = i % u.channels; let r1 = i / u.channels; let ox = r1 % u.out_width; let r2 = r1 / u.out_width;
  let oy = r2 % u.out_height; let b = r2 / u.out_height;
  let ty = oy * 3u; let tx = (u.out_height + ox) * 3u;
  let y0 = tab[ty]; let y1 = tab[ty + 1u]; let ly = bitcast<f32>(tab[ty + 2u]);
  let x0 = tab[tx]; let x1 = tab[tx + 1u]; let lx = bitcast<f32>(tab[tx + 2u]);
  let rb = b * u.height;
  let v00 = x[((rb + y0) * u.width + x0) * u.channels + ch];
  let v01 = x[((rb + y0) * u.width + x1) * u.channels + ch];
  let v10 = x[((rb + y1) * u.width + x0) * u.channels + ch];
  let v11 = x[((rb + y1) * u.width + x1) * u.channels + ch];
  out[i] = (1.0 - ly) * ((1.0 - lx) * v00 + lx * v01) + ly * ((1.0 - lx) * v10 + lx * v11);`;

// tab[0] is where the column part starts; offsets are absolute.
const GRAD = `  let ch = i % u.channels; let r1 = i / u.channels; let ix = r1 % u.width; let r2 = r1 / u.width;
  let iy = r2 % u.height; let b = r2 / u.height;
  let cols = tab[0];
  var s = 0.0;
  for (var e = tab[1u + iy]; e < tab[2u + iy]; e = e + 2u) {
    let oy = tab[e]; let wy = bitcast<f32>(tab[e + 1u]);
    var t = 0.0;
    for (var f = tab[cols + ix]; f < tab[cols + ix + 1u]; f = f + 2u) {
      t = t + bitcast<f32>(tab[f + 1u]) * dy[((b * u.out_height + oy) * u.out_width + tab[f]) * u.channels + ch];
    }
    s = s + wy * t;
  }
  out[i] = s;`;

function resize(rt: KernelRuntime): WebgpuKernel<'ResizeBilinear'> {
  return linearKernel(rt, ({ inputs: [x], attrs: { size: [oh, ow], alignCorners } }) => {
    const [, h, w, c] = x.shape;
    const tab = rt.table(`resize:${h},${w},${oh},${ow},${alignCorners}`, () => forwardTable(h, w, oh, ow, alignCorners));
    return { label: 'resize bilinear', inputs: [X, TAB], body: FORWARD, uniforms: (u) => sizes(u, c, h, w, oh, ow), buffers: [rt.buffer(x), tab] };
  });
}

function resizeGrad(rt: KernelRuntime): WebgpuKernel<'ResizeBilinearGrad'> {
  return linearKernel(rt, ({ inputs: [dy], attrs: { inputSize: [h, w], alignCorners } }) => {
    const [, oh, ow, c] = dy.shape;
    const tab = rt.table(`resize-grad:${h},${w},${oh},${ow},${alignCorners}`, () => gradTable(h, w, oh, ow, alignCorners));
    return { label: 'resize bilinear grad', inputs: [{ name: 'dy' }, TAB], body: GRAD, uniforms: (u) => sizes(u, c, h, w, oh, ow), buffers: [rt.buffer(dy), tab] };
  });
}

const X = { name: 'x' };
const TAB = { name: 'tab', type: 'u32' } as const;

/** The resize kernels. */
export function resizeKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'ResizeBilinear' | 'ResizeBilinearGrad'> {
  return { ResizeBilinear: resize(rt), ResizeBilinearGrad: resizeGrad(rt) };
}
