import type { KernelAttrsMap, KernelName } from '@msflow/core';
import type { GraphBuilder } from '../graph/builder.js';

/** What a lowering receives: the graph, its inputs' value names and shapes, attributes, output shape. */
export interface LowerArgs<K extends KernelName> {
  readonly g: GraphBuilder;
  /** Value names of the present inputs, in `KERNEL_INPUTS` order (Concat: all parts). */
  readonly inputs: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: KernelAttrsMap[K];
  /** Output shape, computed and checked by core. */
  readonly outShape: readonly number[];
}

/** Emits the ONNX nodes of one kernel call and returns the name of its output value. */
export type Lowering<K extends KernelName> = (args: LowerArgs<K>) => string;

/** Perm taking NHWC to NCHW. */
export const TO_NCHW = [0, 3, 1, 2];
/** Perm taking NCHW to NHWC. */
export const TO_NHWC = [0, 2, 3, 1];
/** Perm taking an HWIO filter to ONNX's OIHW (also ConvTranspose's [C_in, C_out/g, kh, kw]). */
export const HWIO_TO_OIHW = [3, 2, 0, 1];
/** The inverse: OIHW back to HWIO. */
export const OIHW_TO_HWIO = [2, 3, 1, 0];

/** Transposes `x` by `perm`. */
export const transposeOp = (g: GraphBuilder, x: string, perm: readonly number[]): string =>
  g.op('Transpose', [x], { perm: [...perm] });

/** ONNX pads [top, left, bottom, right] from core's [top, bottom, left, right]. */
export const onnxPads = ([t, b, l, r]: readonly number[]): number[] => [t, l, b, r];
