import type { BackendKernel, KernelCall, KernelName } from '@msflow/core';
import type { GraphBuilder } from '../graph/builder.js';

/**
 * What a lowering receives: core's kernel call on ONNX value names (the present inputs, in
 * `KERNEL_INPUTS` order), plus the graph `g` the nodes go into.
 */
export type LowerArgs<K extends KernelName> = KernelCall<K, string, { readonly g: GraphBuilder }>;

/** Emits the ONNX nodes of one kernel call and returns the name of its output value (core's one kernel signature). */
export type Lowering<K extends KernelName> = BackendKernel<K, string, { readonly g: GraphBuilder }>;

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
