import { axisToFront, inversePermutation } from '@msflow/core';
import type { Lowering } from './types.js';
import { transposeOp } from './types.js';

/** Transpose by the same perm. */
export const lowerTranspose: Lowering<'Transpose'> = ({ g, inputs: [x], attrs }) => transposeOp(g, x, attrs.perm);

/** Reshape; `allowzero` keeps a literal 0 a zero-sized dimension (not "copy the input's"). */
export const lowerReshape: Lowering<'Reshape'> = ({ g, inputs: [x], attrs: { shape } }) =>
  g.op('Reshape', [x, g.int64(shape)], shape.includes(0) ? { allowzero: 1 } : {});

/** Concat along the same axis. */
export const lowerConcat: Lowering<'Concat'> = ({ g, inputs, attrs }) => g.op('Concat', [...inputs], { axis: attrs.axis });

/** Slice naming only the axes actually cut, so an uncut batch axis stays shape-free. */
export const lowerSlice: Lowering<'Slice'> = ({ g, inputs: [x], shapes: [shape], attrs: { begin, size } }) => {
  const axes = shape.flatMap((d, i) => (begin[i] !== 0 || size[i] !== d ? [i] : []));
  if (axes.length === 0) return g.op('Identity', [x]);
  return g.op('Slice', [
    x,
    g.int64(axes.map((a) => begin[a])),
    g.int64(axes.map((a) => begin[a] + size[a])),
    g.int64(axes),
  ]);
};

/** Constant Pad; pads as [all befores, all afters]. */
export const lowerPad: Lowering<'Pad'> = ({ g, inputs: [x], attrs: { pads, value } }) =>
  g.op('Pad', [x, g.int64([...pads.map(([p]) => p), ...pads.map(([, q]) => q)]), g.float([value], [])], { mode: 'constant' });

/** Gather with int64 indices along the same axis. */
export const lowerGather: Lowering<'Gather'> = ({ g, inputs: [x], attrs: { axis, indices } }) =>
  g.op('Gather', [x, g.int64(indices)], { axis });

/**
 * ScatterAdd as ScatterND with `add` reduction on the axis moved to the front: the zero target
 * takes its other dimensions from the input at run time (Shape), so no size is baked in but
 * the scattered axis.
 */
export const lowerScatterAdd: Lowering<'ScatterAdd'> = ({ g, inputs: [x], shapes: [shape], attrs: { axis, indices, size } }) => {
  const toFront = axisToFront(shape.length, axis);
  const xt = axis === 0 ? x : transposeOp(g, x, toFront);
  const rest = g.op('Shape', [xt], { start: 1 });
  const zeros = g.op('ConstantOfShape', [g.op('Concat', [g.int64([size]), rest], { axis: 0 })]);
  const y = g.op('ScatterND', [zeros, g.int64(indices, [indices.length, 1]), xt], { reduction: 'add' });
  return axis === 0 ? y : transposeOp(g, y, inversePermutation(toFront));
};
