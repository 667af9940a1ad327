import { sizeOf } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { linearKernel } from './linear.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/**
 * Layer norm over the last axis, one invocation per row: the mean first, then the variance of
 * the centred values (two passes, so a large mean offset does not cancel digits), then the
 * affine output. Rows are channel vectors (at most a few thousand values), so a row per
 * invocation keeps all the GPU's lanes busy on N·H·W rows.
 */
const BODY = `  let c = u.channels; let base = i * c;
  var mean = 0.0;
  for (var j = 0u; j < c; j = j + 1u) { mean = mean + x[base + j]; }
  mean = mean / f32(c);
  var v = 0.0;
  for (var j = 0u; j < c; j = j + 1u) { let d = x[base + j] - mean; v = v + d * d; }
  let inv = inverseSqrt(v / f32(c) + u.epsilon);
  for (var j = 0u; j < c; j = j + 1u) { out[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j]; }`;

function layerNormKernel(rt: KernelRuntime): WebgpuKernel<'LayerNorm'> {
  return linearKernel(rt, ({ inputs: [x, gamma, beta], attrs: { epsilon }, outShape }) => {
    const c = outShape[outShape.length - 1];
    return {
      label: 'layer norm',
      inputs: [{ name: 'x' }, { name: 'gamma' }, { name: 'beta' }],
      body: BODY,
      uniforms: (u) => u.u32({ channels: c }).f32({ epsilon }),
      buffers: [rt.buffer(x), rt.buffer(gamma), rt.buffer(beta)],
      count: c === 0 ? 0 : sizeOf(outShape) / c,
    };
  });
}

/** The layer norm kernel. */
export function layerNormKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'LayerNorm'> {
  return { LayerNorm: layerNormKernel(rt) };
}
