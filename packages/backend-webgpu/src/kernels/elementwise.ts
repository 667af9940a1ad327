import { BINARY_KERNELS, UNARY_KERNELS, kernelFamily, shapesEqual, sizeOf, type BinaryKernel, type UnaryKernel } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { TensorData, type ExprNode, type LazyExpr, type Leaf } from '../runtime/tensor_data.js';
import { grid1d } from '../wgsl/common.js';
import { fusedShader, fusedUniforms, type FusedLayout, type LeafMode } from '../wgsl/elementwise.js';
import type { WebgpuKernels } from './types.js';

/** Operation nodes one fused shader may hold before its operands are computed first. */
export const MAX_FUSED_OPS = 24;
const WG = 256;

interface Operand {
  node: ExprNode;
  leaves: readonly Leaf[];
  ops: number;
  /** The lazy tensor it was inlined from (materialised when the fused shader would be too big). */
  from?: TensorData;
}

function operand(rt: KernelRuntime, d: TensorData): Operand {
  if (d.host !== undefined && d.size === 1) return { node: { k: 'const', v: d.host }, leaves: [], ops: 0 };
  if (d.lazy) return { node: d.lazy.node, leaves: d.lazy.leaves, ops: d.lazy.ops, from: d };
  return { node: { k: 'leaf', i: 0 }, leaves: [{ storage: rt.storage(d), shape: d.shape }], ops: 0 };
}

function remap(node: ExprNode, map: readonly number[]): ExprNode {
  switch (node.k) {
    case 'leaf':
      return { k: 'leaf', i: map[node.i] };
    case 'const':
      return node;
    case 'unary':
      return { k: 'unary', op: node.op, a: remap(node.a, map) };
    case 'binary':
      return { k: 'binary', op: node.op, a: remap(node.a, map), b: remap(node.b, map) };
  }
}

/** Joins the operands' leaf lists (a leaf used twice is bound once) and remaps their nodes. */
function join(operands: readonly Operand[]): { nodes: ExprNode[]; leaves: Leaf[] } {
  const leaves: Leaf[] = [];
  const nodes = operands.map((o) => {
    const map = o.leaves.map((leaf) => {
      let at = leaves.findIndex((l) => l.storage === leaf.storage && shapesEqual(l.shape, leaf.shape));
      if (at < 0) at = leaves.push(leaf) - 1;
      return at;
    });
    return remap(o.node, map);
  });
  return { nodes, leaves };
}

/** Builds the (lazy) result of one element-wise kernel over `inputs`. */
function elementwise(rt: KernelRuntime, inputs: readonly TensorData[], outShape: readonly number[], make: (a: ExprNode[]) => ExprNode): TensorData {
  const maxLeaves = Math.min(8, rt.limits.maxStorageBuffersPerShaderStage - 1);
  for (;;) {
    const ops = inputs.map((i) => operand(rt, i));
    const { nodes, leaves } = join(ops);
    const count = ops.reduce((s, o) => s + o.ops, 1);
    if (leaves.length <= maxLeaves && count <= MAX_FUSED_OPS) {
      for (const leaf of leaves) leaf.storage.retain();
      const lazy: LazyExpr = { node: make(nodes), leaves, ops: count };
      const out = new TensorData(outShape, sizeOf(outShape), lazy);
      if (!rt.options.fuseElementwise) rt.materialize(out);
      return out;
    }
    // Too big: compute the largest inlined operand first, then try again.
    const biggest = ops.filter((o) => o.from).sort((a, b) => b.ops - a.ops)[0];
    rt.materialize(biggest.from!);
  }
}

/** A leaf's addressing in the merged output shape. */
interface LeafPlan {
  mode: LeafMode;
  word: number;
  strides: number[] | null;
}

/**
 * Merges output axes that every leaf treats alike (all broadcast or all full) and classifies
 * each leaf's addressing, so most broadcasts need no per-axis index arithmetic.
 */
export function planLeaves(outShape: readonly number[], leafShapes: readonly (readonly number[])[]): { dims: number[]; plans: LeafPlan[] } {
  const R = outShape.length;
  const aligned = leafShapes.map((s) => [...Array<number>(R - s.length).fill(1), ...s]);
  // Per axis (axes of extent 1 are dropped), per leaf: true when the leaf spans the axis.
  const axes: { dim: number; full: boolean[] }[] = [];
  for (let d = 0; d < R; d++) {
    if (outShape[d] === 1) continue;
    const full = aligned.map((s) => s[d] !== 1);
    const last = axes[axes.length - 1];
    if (last && last.full.every((f, l) => f === full[l])) last.dim *= outShape[d];
    else axes.push({ dim: outShape[d], full });
  }
  const dims = axes.map((a) => a.dim);
  const plans = leafShapes.map((_, l): LeafPlan => {
    const flags = axes.map((a) => a.full[l]);
    const firstFull = flags.indexOf(true);
    const lastFull = flags.lastIndexOf(true);
    if (firstFull < 0) return { mode: 'scalar', word: 0, strides: null };
    if (flags.every((f) => f)) return { mode: 'same', word: 0, strides: null };
    const contiguous = flags.slice(firstFull, lastFull + 1).every((f) => f);
    if (contiguous && lastFull === flags.length - 1) {
      return { mode: 'mod', word: sizeOf(dims.slice(firstFull)), strides: null };
    }
    if (contiguous && firstFull === 0) {
      return { mode: 'div', word: sizeOf(dims.slice(lastFull + 1)), strides: null };
    }
    const strides = new Array<number>(dims.length).fill(0);
    let s = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (flags[d]) {
        strides[d] = s;
        s *= dims[d];
      }
    }
    return { mode: 'general', word: 0, strides };
  });
  return { dims, plans };
}

function collectConsts(node: ExprNode, into: number[]): void {
  if (node.k === 'const') into.push(node.v);
  else if (node.k === 'unary') collectConsts(node.a, into);
  else if (node.k === 'binary') {
    collectConsts(node.a, into);
    collectConsts(node.b, into);
  }
}

/** Computes a lazy tensor with one fused shader and stores the result in it. */
export function materializeFused(rt: KernelRuntime, d: TensorData): void {
  const lazy = d.lazy;
  if (!lazy) return;
  const storage = rt.allocStorage(d.size, `a tensor of shape [${d.shape.join(',')}]`);
  if (d.size > 0) {
    const { dims, plans } = planLeaves(d.shape, lazy.leaves.map((l) => l.shape));
    const general = plans.some((p) => p.mode === 'general');
    const rank = general ? dims.length : 0;
    const layout: FusedLayout = { node: lazy.node, modes: plans.map((p) => p.mode), rank };
    const consts: number[] = [];
    collectConsts(lazy.node, consts);
    const u = fusedUniforms(layout, { n: d.size, leafWords: plans.map((p) => p.word), dims: general ? dims : [], strides: plans.map((p) => p.strides), consts });
    const label = `fused(${describe(lazy.node)})`;
    rt.run({ code: fusedShader(layout, u, WG), inputs: lazy.leaves.length, outputs: 1, label }, u.data(), [...lazy.leaves.map((l) => l.storage.buffer), storage.buffer], grid1d(d.size, WG));
  }
  d.settle(storage);
}

function describe(node: ExprNode): string {
  switch (node.k) {
    case 'leaf':
      return `x${node.i}`;
    case 'const':
      return 'c';
    case 'unary':
      return `${node.op}(${describe(node.a)})`;
    case 'binary':
      return `${node.op}(${describe(node.a)},${describe(node.b)})`;
  }
}

/** Whether a lazy tensor can be viewed under another shape without computing it. */
export function reshapeLazy(d: TensorData, shape: readonly number[]): TensorData | null {
  const lazy = d.lazy;
  if (!lazy) return null;
  if (!lazy.leaves.every((l) => shapesEqual(l.shape, d.shape) || sizeOf(l.shape) === 1)) return null;
  const leaves = lazy.leaves.map((l) => ({ storage: l.storage.retain(), shape: sizeOf(l.shape) === 1 ? [] : shape }));
  return new TensorData(shape, d.size, { node: lazy.node, leaves, ops: lazy.ops });
}

/** The unary and binary kernels. */
export function elementwiseKernels(rt: KernelRuntime): Pick<WebgpuKernels, UnaryKernel | BinaryKernel> {
  return {
    ...kernelFamily(UNARY_KERNELS, (op) => ({ inputs, outShape }: { inputs: readonly TensorData[]; outShape: readonly number[] }) =>
      elementwise(rt, inputs, outShape, ([a]) => ({ k: 'unary', op, a }))),
    ...kernelFamily(BINARY_KERNELS, (op) => ({ inputs, outShape }: { inputs: readonly TensorData[]; outShape: readonly number[] }) =>
      elementwise(rt, inputs, outShape, ([a, b]) => ({ k: 'binary', op, a, b }))),
  };
}
