import type { PoolAttrs } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Uniforms } from '../wgsl/uniforms.js';
import { linearKernel } from './linear.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/**
 * Pooling, one invocation per output element (forward) or per input element (AvgPoolGrad,
 * which gathers from the windows covering its cell instead of scattering, so no atomics).
 */
function poolUniforms(u: Uniforms, x: readonly number[], oh: number, ow: number, a: PoolAttrs, includePad: boolean): void {
  u.u32({ batch: x[0], height: x[1], width: x[2], channels: x[3], out_height: oh, out_width: ow });
  u.i32({ kernel_h: a.kernel[0], kernel_w: a.kernel[1], stride_h: a.strides[0], stride_w: a.strides[1], pad_top: a.pads[0], pad_left: a.pads[2] });
  u.u32({ count_include_pad: includePad ? 1 : 0 });
}

/** The clipped window of output (oy, ox) as i32 bounds y0,y1,x0,x1, and its divisor. */
const WINDOW = `
fn window(oy: u32, ox: u32) -> vec4<i32> {
  let ty = i32(oy) * u.stride_h - u.pad_top;
  let tx = i32(ox) * u.stride_w - u.pad_left;
  return vec4<i32>(max(ty, 0), min(ty + u.kernel_h, i32(u.height)), max(tx, 0), min(tx + u.kernel_w, i32(u.width)));
}
fn divisor(b: vec4<i32>) -> f32 {
  if (u.count_include_pad == 1u) { return f32(u.kernel_h * u.kernel_w); }
  return f32((b.y - b.x) * (b.w - b.z));
}`;

const OUT_COORDS = `  let ch = i % u.channels; let r1 = i / u.channels; let ox = r1 % u.out_width; let r2 = r1 / u.out_width;
  let oy = r2 % u.out_height; let b = r2 / u.out_height;
  let win = window(oy, ox);`;

/** The input value at row y, column x of channel ch in image b. */
const AT = (y: string, x: string) => `xs[((b * u.height + u32(${y})) * u.width + u32(${x})) * u.channels + ch]`;

const AVG = `${OUT_COORDS}
  var s = 0.0;
  for (var y = win.x; y < win.y; y = y + 1) {
    for (var x = win.z; x < win.w; x = x + 1) { s = s + ${AT('y', 'x')}; }
  }
  out[i] = s / divisor(win);`;

const MAX = `${OUT_COORDS}
  var m = ${AT('win.x', 'win.z')};
  for (var y = win.x; y < win.y; y = y + 1) {
    for (var x = win.z; x < win.w; x = x + 1) { m = max(m, ${AT('y', 'x')}); }
  }
  out[i] = m;`;

// Input cell (iy, ix) lies in output windows oy with oy*s - p <= iy < oy*s - p + k.
const AVG_GRAD = `  let ch = i % u.channels; let r1 = i / u.channels; let ix = i32(r1 % u.width); let r2 = r1 / u.width;
  let iy = i32(r2 % u.height); let b = r2 / u.height;
  let sy = u.stride_h; let sx = u.stride_w;
  let oy0 = max((iy + u.pad_top - u.kernel_h + sy) / sy, 0); let oy1 = min((iy + u.pad_top) / sy, i32(u.out_height) - 1);
  let ox0 = max((ix + u.pad_left - u.kernel_w + sx) / sx, 0); let ox1 = min((ix + u.pad_left) / sx, i32(u.out_width) - 1);
  var s = 0.0;
  for (var oy = oy0; oy <= oy1; oy = oy + 1) {
    for (var ox = ox0; ox <= ox1; ox = ox + 1) {
      let win = window(u32(oy), u32(ox));
      s = s + dy[((b * u.out_height + u32(oy)) * u.out_width + u32(ox)) * u.channels + ch] / divisor(win);
    }
  }
  out[i] = s;`;

/** A pooling kernel: `body` over the output (forward) or the input (the gradient). */
function pool<K extends 'AvgPool' | 'MaxPool' | 'AvgPoolGrad'>(rt: KernelRuntime, label: string, input: string, body: string): WebgpuKernel<K> {
  return linearKernel(rt, ({ inputs: [x], attrs, outShape }) => {
    const a = attrs as PoolAttrs & { countIncludePad?: boolean; inputShape?: readonly number[] };
    // The gradient's window geometry is the forward's: input shape from the attributes, output from dy.
    const [inShape, poolOut] = a.inputShape ? [a.inputShape, x.shape] : [x.shape, outShape];
    return {
      label,
      inputs: [{ name: input }],
      helpers: WINDOW,
      body,
      uniforms: (u) => poolUniforms(u, inShape, poolOut[1], poolOut[2], a, a.countIncludePad ?? false),
      buffers: [rt.buffer(x)],
    };
  });
}

/** The pooling kernels. */
export function poolKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'AvgPool' | 'AvgPoolGrad' | 'MaxPool'> {
  return {
    AvgPool: pool(rt, 'avg pool', 'xs', AVG),
    AvgPoolGrad: pool(rt, 'avg pool grad', 'dy', AVG_GRAD),
    MaxPool: pool(rt, 'max pool', 'xs', MAX),
  };
}
