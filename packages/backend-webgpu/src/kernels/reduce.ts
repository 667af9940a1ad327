import { sizeOf, stridesOf, type ReduceKernel } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { grid1d, header } from '../wgsl/common.js';
import { Uniforms } from '../wgsl/uniforms.js';
import { dot, unravel } from './linear.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/**
 * Sum, Mean and Max over any set of axes, and TopKMean. The input is viewed as kept axes and
 * reduced axes (adjacent axes of the same kind merged); an output element's reduction runs
 * either in one invocation (short reductions) or across a workgroup with a tree sum in
 * workgroup memory (long ones: loss sums, bias gradients over N·H·W).
 */

/** Merged view: kept dims/strides and reduced dims/strides of the input. */
export function reduceView(shape: readonly number[], axes: readonly number[]) {
  const strides = stridesOf(shape);
  const kept: { dim: number; stride: number }[] = [];
  const red: { dim: number; stride: number }[] = [];
  let lastKind: 'k' | 'r' | null = null;
  shape.forEach((dim, d) => {
    if (dim === 1) return;
    const kind = axes.includes(d) ? 'r' : 'k';
    const list = kind === 'r' ? red : kept;
    const last = list[list.length - 1];
    // Merge with the previous axis of the same kind when it is contiguous with this one.
    if (lastKind === kind && last && last.stride === dim * strides[d]) {
      last.dim *= dim;
      last.stride = strides[d];
    } else list.push({ dim, stride: strides[d] });
    lastKind = kind;
  });
  return { kept, red };
}

const WG_ROW = 128;
const WG_ONE = 256;

/** Uniforms: outputs `n`, reduced elements `count`, `neg_inf`, kept and reduced dims and strides. */
function reduceCode(op: ReduceKernel, kRank: number, rRank: number, perWorkgroup: boolean, u: Uniforms): string {
  const combine = op === 'Max' ? 'max(acc, v)' : 'acc + v';
  const finish = op === 'Mean' ? 'acc / f32(u.count)' : 'acc';
  const init = op === 'Max' ? 'u.neg_inf' : '0.0';
  const load = `{
      ${unravel(rRank, 'red_dim', 'e', 'r')}
      let v = x[base + ${dot(rRank, 'red_stride', 'r')}];
      acc = ${combine};
    }`;
  const lines = [header(u, [{ name: 'x' }], [{ name: 'out' }])];
  if (!perWorkgroup) {
    lines.push(`@compute @workgroup_size(${WG_ONE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG_ONE}u + lid;
  if (i >= u.n) { return; }
${unravel(kRank, 'kept_dim')}
  let base = ${dot(kRank, 'kept_stride')};
  var acc = ${init};
  for (var e = 0u; e < u.count; e = e + 1u) ${load}
  out[i] = ${finish};
}`);
  } else {
    lines.push(`var<workgroup> part: array<f32, ${WG_ROW}>;
@compute @workgroup_size(${WG_ROW})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = wid.y * nwg.x + wid.x;
  let live = i < u.n;
  let ii = select(0u, i, live);
${unravel(kRank, 'kept_dim', 'ii')}
  let base = ${dot(kRank, 'kept_stride')};
  var acc = ${init};
  for (var e = lid; e < u.count; e = e + ${WG_ROW}u) ${load}
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG_ROW / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { let v = part[lid + s]; acc = part[lid]; part[lid] = ${combine}; }
    workgroupBarrier();
  }
  if (lid == 0u && live) { acc = part[0]; out[i] = ${finish}; }
}`);
  }
  return lines.join('\n');
}

function reduce(rt: KernelRuntime, op: ReduceKernel): WebgpuKernel<ReduceKernel> {
  return ({ inputs: [x], attrs: { axes }, outShape }) => {
    const out = rt.output(outShape);
    const outputs = sizeOf(outShape);
    const count = sizeOf(axes.map((a) => x.shape[a]));
    if (outputs === 0) return out;
    const { kept, red } = reduceView(x.shape, axes);
    // A long reduction gets a workgroup per output unless there are enough outputs to fill the GPU.
    const perWorkgroup = count >= 512 && outputs < 4096;
    const u = new Uniforms().u32({ n: outputs, count }).f32({ neg_inf: -Infinity });
    u.u32s('kept_dim', kept.map((k) => k.dim)).u32s('kept_stride', kept.map((k) => k.stride));
    u.u32s('red_dim', red.map((r) => r.dim)).u32s('red_stride', red.map((r) => r.stride));
    const code = reduceCode(op, kept.length, red.length, perWorkgroup, u);
    const grid = perWorkgroup ? grid1d(outputs, 1) : grid1d(outputs, WG_ONE);
    rt.run({ code, inputs: 1, outputs: 1, label: `${op.toLowerCase()} k${kept.length}r${red.length}${perWorkgroup ? ' wg' : ''}` }, u.data(), [rt.buffer(x), out.storage!.buffer], grid);
    return out;
  };
}

/**
 * TopKMean: one workgroup per row finds the k-th largest value exactly by a 32-step bisection
 * on order-preserving integer keys of the floats (each step counts keys >= a candidate across
 * the workgroup), then sums the values above it and adds the k-th value for the remaining
 * (tied) slots. Exact on ties, O(32·n) per row, no sort buffer, any row length.
 */
const TOPK_WG = 128;
const topKCode = (u: Uniforms) => `${header(u, [{ name: 'x' }], [{ name: 'out' }])}
var<workgroup> count: atomic<u32>;
var<workgroup> part: array<f32, ${TOPK_WG}>;
fn key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}
@compute @workgroup_size(${TOPK_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let live = row < u.rows;
  let n = select(0u, u.row_length, live);
  let k = u.k;
  let base = row * n;
  var t = 0u;
  for (var bit = 31i; bit >= 0i; bit = bit - 1i) {
    let cand = t | (1u << u32(bit));
    if (lid == 0u) { atomicStore(&count, 0u); }
    workgroupBarrier();
    var c = 0u;
    for (var j = lid; j < n; j = j + ${TOPK_WG}u) { c = c + select(0u, 1u, key(x[base + j]) >= cand); }
    atomicAdd(&count, c);
    workgroupBarrier();
    if (atomicLoad(&count) >= k) { t = cand; }
    workgroupBarrier();
  }
  // Values strictly above the k-th, and how many there are.
  if (lid == 0u) { atomicStore(&count, 0u); }
  workgroupBarrier();
  var s = 0.0;
  var c = 0u;
  var kth = 0.0;
  for (var j = lid; j < n; j = j + ${TOPK_WG}u) {
    let v = x[base + j];
    let kv = key(v);
    if (kv > t) { s = s + v; c = c + 1u; }
    if (kv == t) { kth = v; }
  }
  atomicAdd(&count, c);
  part[lid] = s;
  workgroupBarrier();
  for (var h = ${TOPK_WG / 2}u; h > 0u; h = h >> 1u) {
    if (lid < h) { part[lid] = part[lid] + part[lid + h]; }
    workgroupBarrier();
  }
  // The thread(s) holding the k-th value write the result; any of them has the same value.
  let above = atomicLoad(&count);
  if (live && key(kth) == t && n > 0u) {
    out[row] = (part[0] + f32(k - above) * kth) / f32(k);
  }
}`;

function topKMean(rt: KernelRuntime): WebgpuKernel<'TopKMean'> {
  return ({ inputs: [x], attrs: { k }, outShape }) => {
    const out = rt.output(outShape);
    const rows = sizeOf(outShape);
    const n = x.shape[x.shape.length - 1];
    if (rows === 0) return out;
    const u = new Uniforms().u32({ rows, row_length: n, k });
    rt.run({ code: topKCode(u), inputs: 1, outputs: 1, label: 'top-k mean' }, u.data(), [rt.buffer(x), out.storage!.buffer], grid1d(rows, 1));
    return out;
  };
}

/** The reduction kernels. */
export function reduceKernels(rt: KernelRuntime): Pick<WebgpuKernels, ReduceKernel | 'TopKMean'> {
  return { Sum: reduce(rt, 'Sum'), Mean: reduce(rt, 'Mean'), Max: reduce(rt, 'Max'), TopKMean: topKMean(rt) };
}
