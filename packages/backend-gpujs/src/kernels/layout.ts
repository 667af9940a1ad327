import { aroundAxis, sizeOf, stridesOf } from '@msflow/core';
import { kernelSource, lit, offset, unravel } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

/** Output dims and, per output axis, the stride of the input element it reads. */
interface CopySpec {
  out: number[];
  strides: number[];
  /** Constant added to the input offset (Slice's begin). */
  base: number;
}

function copySource({ out, strides, base }: CopySpec): string {
  const u = unravel('i', out, 'c');
  return kernelSource(['x'], ['const i = this.thread.x;', ...u.lines, `return x[${offset(u.coords, strides, base ? String(base) : '')}];`]);
}

const transpose: GpuOp<'Transpose'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const s = stridesOf(shapes[0]);
  return runner.run('Transpose', { out: [...outShape], strides: attrs.perm.map((p) => s[p]), base: 0 }, copySource, sizeOf(outShape), inputs);
};

const slice: GpuOp<'Slice'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const s = stridesOf(shapes[0]);
  const base = attrs.begin.reduce((acc, b, i) => acc + b * s[i], 0);
  return runner.run('Slice', { out: [...outShape], strides: s, base }, copySource, sizeOf(outShape), inputs);
};

/** No arithmetic and no copy: the new tensor shares the input's storage (reference-counted). */
const reshape: GpuOp<'Reshape'> = ({ inputs }) => inputs[0].view();

interface PadSpec {
  x: number[];
  out: number[];
  before: number[];
  value: number;
}

/** Reads x where every coordinate minus its leading pad is inside x, else the pad value. */
function padSource({ x, out, before, value }: PadSpec): string {
  const u = unravel('i', out, 'c');
  const shifted = u.coords.map((c, k) => (before[k] === 0 ? c : `(${c} - ${before[k]})`));
  const inside = shifted.flatMap((c, k) => (x[k] === out[k] ? [] : [`${c} >= 0 && ${c} < ${x[k]}`]));
  const read = `x[${offset(shifted, stridesOf(x))}]`;
  return kernelSource(['x'], [
    'const i = this.thread.x;',
    ...u.lines,
    inside.length === 0 ? `return ${read};` : `let v = ${lit(value)};`,
    ...(inside.length === 0 ? [] : [`if (${inside.join(' && ')}) { v = ${read}; }`, 'return v;']),
  ]);
}

const pad: GpuOp<'Pad'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const spec: PadSpec = { x: [...shapes[0]], out: [...outShape], before: attrs.pads.map((p) => p[0]), value: attrs.value };
  return runner.run('Pad', spec, padSource, sizeOf(outShape), inputs);
};

interface ConcatSpec {
  outer: number;
  inner: number;
  /** Each part's length along the axis. */
  parts: number[];
}

/** Each output cell picks the part its axis coordinate falls in. */
function concatSource({ outer, inner, parts }: ConcatSpec): string {
  const total = parts.reduce((p, q) => p + q, 0);
  const u = unravel('i', [outer, total, inner], 'c');
  const [o, a, r] = u.coords;
  const lines = ['const i = this.thread.x;', ...u.lines, 'let v = 0.0;'];
  let start = 0;
  parts.forEach((len, k) => {
    const at = `x${k}[${offset([o, start ? `(${a} - ${start})` : a, r], [len * inner, inner, 1])}]`;
    const cond = k === parts.length - 1 ? '' : `${k === 0 ? 'if' : 'else if'} (${a} < ${start + len}) `;
    lines.push(`${k > 0 && !cond ? 'else ' : ''}${cond}{ v = ${at}; }`);
    start += len;
  });
  lines.push('return v;');
  return kernelSource(parts.map((_, k) => `x${k}`), lines);
}

const concat: GpuOp<'Concat'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  // Empty parts contribute nothing; leaving them out keeps gpu.js away from empty arguments.
  const used = shapes.map((s, k) => k).filter((k) => shapes[k][attrs.axis] > 0);
  if (used.length === 0) return runner.run('Concat', null, () => '', 0, []);
  const [outer, , inner] = aroundAxis(outShape, attrs.axis);
  const spec: ConcatSpec = { outer, inner, parts: used.map((k) => shapes[k][attrs.axis]) };
  return runner.run('Concat', spec, concatSource, sizeOf(outShape), used.map((k) => inputs[k]));
};

interface GatherSpec {
  outer: number;
  /** Input length along the axis. */
  axisLen: number;
  inner: number;
  /** Number of indices (Gather: output length along the axis; ScatterAdd: input length). */
  count: number;
  /** ScatterAdd: output length along the axis. */
  size: number;
}

/** out[o, j, r] = x[o, idx[j], r]; the indices are a host table argument, not literals. */
function gatherSource({ outer, axisLen, inner, count }: GatherSpec): string {
  const u = unravel('i', [outer, count, inner], 'c');
  const [o, j, r] = u.coords;
  return kernelSource(['x', 'idx'], [
    'const i = this.thread.x;',
    ...u.lines,
    `return x[${offset([o, `idx[${j}]`, r], [axisLen * inner, inner, 1])}];`,
  ]);
}

/** out[o, s, r] = Σ_{j: idx[j] = s} x[o, j, r], gather form (one thread per output slot). */
function scatterAddSource({ outer, inner, count, size }: GatherSpec): string {
  const u = unravel('i', [outer, size, inner], 'c');
  const [o, s, r] = u.coords;
  return kernelSource(['x', 'idx'], [
    'const i = this.thread.x;',
    ...u.lines,
    'let acc = 0.0;',
    `for (let j = 0; j < ${count}; j++) {`,
    `  if (idx[j] == ${s}) { acc += x[${offset([o, 'j', r], [count * inner, inner, 1])}]; }`,
    '}',
    'return acc;',
  ]);
}

const gather: GpuOp<'Gather'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const [outer, axisLen, inner] = aroundAxis(shapes[0], attrs.axis);
  const spec: GatherSpec = { outer, axisLen, inner, count: attrs.indices.length, size: attrs.indices.length };
  return runner.run('Gather', spec, gatherSource, sizeOf(outShape), [inputs[0], Float32Array.from(attrs.indices)]);
};

const scatterAdd: GpuOp<'ScatterAdd'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const [outer, count, inner] = aroundAxis(shapes[0], attrs.axis);
  const spec: GatherSpec = { outer, axisLen: count, inner, count, size: attrs.size };
  return runner.run('ScatterAdd', spec, scatterAddSource, sizeOf(outShape), [inputs[0], Float32Array.from(attrs.indices)]);
};

/** The layout kernels. */
export const layoutOps: Pick<GpuOpTable, 'Transpose' | 'Reshape' | 'Concat' | 'Slice' | 'Pad' | 'Gather' | 'ScatterAdd'> = { Transpose: transpose, Reshape: reshape, Concat: concat, Slice: slice, Pad: pad, Gather: gather, ScatterAdd: scatterAdd };
