import { sizeOf as size, type KernelArgs, type KernelName } from '@msflow/core';
import type { OnnxBackend } from './backend.js';
import { traceGraph, type TraceableFunction } from './trace/trace.js';

/**
 * Floating-point operations (multiply and add counted separately) of the convolution and matrix
 * kernels of one call, forward and gradient (each conv gradient does the forward's work): the
 * work that dominates CNN and flow programs and their training steps.
 *
 * @example
 * ```ts
 * traceGraph(onnx, fn, inputs, { onKernel: (k, args) => (total += kernelFlops(k, args)) });
 * ```
 */
export function kernelFlops(kernel: KernelName, args: KernelArgs<KernelName>): number {
  if (kernel === 'Conv2D') {
    const [kh, kw, cig] = args.inputs[1].shape;
    return 2 * size(args.outShape) * kh * kw * cig;
  }
  if (kernel === 'Conv2DBackpropInput') {
    // The forward convolution's work, with dy [N, oh, ow, C_out] in place of its output.
    const [kh, kw, cig] = args.inputs[1].shape;
    return 2 * size(args.inputs[0].shape) * kh * kw * cig;
  }
  if (kernel === 'Conv2DBackpropFilter') {
    const [kh, kw, cig] = (args.attrs as { filterShape: readonly number[] }).filterShape;
    return 2 * size(args.inputs[1].shape) * kh * kw * cig;
  }
  if (kernel === 'MatMul') {
    const a = args.inputs[0].shape;
    const t = (args.attrs as { transposeA: boolean }).transposeA;
    return 2 * size(args.outShape) * (t ? a[0] : a[1]);
  }
  return 0;
}

/**
 * Counts the convolution and matrix-product FLOPs of `fn` on inputs of the given shapes by
 * tracing it (nothing is computed).
 *
 * @example
 * ```ts
 * const flops = countFlops(onnx, (x) => backbone.extract(x), [[1, 256, 256, 3]]);
 * ```
 */
export function countFlops(backend: OnnxBackend, fn: TraceableFunction, shapes: readonly (readonly number[])[]): number {
  let flops = 0;
  traceGraph(backend, fn, shapes.map((shape, i) => ({ name: `x${i}`, shape })), {
    onKernel: (k, args) => (flops += kernelFlops(k, args)),
  });
  return flops;
}
