import type { BackendKernel, BackendKernels, KernelName } from '@msflow/core';
import type * as tfc from '@tensorflow/tfjs-core';

/** The TensorFlow.js namespace the kernels call (tfjs-core, or the one tfjs-node re-exports). */
export type TF = typeof tfc;

/** A tfjs tensor; it is also the opaque `DataId` this backend hands to core. */
export type TfTensor = tfc.Tensor;

/** A rank-4 tfjs tensor (NHWC images, HWIO filters). */
export type TfTensor4D = tfc.Tensor4D;

/** Views a tensor core has shape-checked as rank 4 (tfjs ops are typed by rank). */
export const as4d = (t: TfTensor): TfTensor4D => t as TfTensor4D;

/** A tensor's shape as plain numbers (tfjs types shapes per rank). */
export const dims = (t: TfTensor): number[] => t.shape as number[];

/** What a kernel factory knows about the tfjs runtime it builds kernels for. */
export interface TfContext {
  readonly tf: TF;
  /** Name of the tfjs backend the kernels run on: `tensorflow`, `wasm` or `cpu`. */
  readonly tfBackend: string;
  /** Whether that tfjs backend registers a kernel of this (tfjs) name. */
  hasKernel(tfKernelName: string): boolean;
  /**
   * Whether tfjs convolutions and pools may be given explicit `[[0,0],[t,b],[l,r],[0,0]]` padding.
   * When false, inputs are zero-padded first and the op runs with `valid` padding.
   */
  readonly explicitPadding: boolean;
  /**
   * How the convolution gradients are computed: `native` calls tfjs's Conv2DBackpropInput /
   * Conv2DBackpropFilter kernels, `composed` rewrites them as forward convolutions (see conv.ts).
   */
  readonly convGrad: { readonly input: 'native' | 'composed'; readonly filter: 'native' | 'composed' };
}

/**
 * One kernel written on tfjs ops: core's one kernel signature on tfjs tensors. It runs inside
 * `tf.tidy`, so intermediates are freed; it may return one of its inputs unchanged (the backend
 * clones it then).
 */
export type TfKernel<K extends KernelName> = BackendKernel<K, TfTensor>;

/** Every declared kernel; a missing entry is a compile error. */
export type TfKernelTable = BackendKernels<TfTensor>;

/** Explicit 4-D padding in tfjs form from core's `[top, bottom, left, right]`. */
export function nhwcPads(p: readonly [number, number, number, number]): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p[0], p[1]],
    [p[2], p[3]],
    [0, 0],
  ];
}

export const hasPadding = (p: readonly number[]): boolean => p.some((v) => v !== 0);
