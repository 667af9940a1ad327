import { sizeOf, type KernelImpl, type KernelTable, type PoolAttrs } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { ParamWriter } from '../wgsl/common.js';
import { runLinear } from './linear.js';

/**
 * Pooling, one invocation per output element (forward) or per input element (AvgPoolGrad,
 * which gathers from the windows covering its cell instead of scattering, so no atomics).
 * Words: 1..4 input n,h,w,c; 5..6 output oh,ow; 7..8 kernel; 9..10 strides; 11..12 pads top/left;
 * 13 countIncludePad.
 */
function poolParams(w: ParamWriter, x: readonly number[], oh: number, ow: number, a: PoolAttrs, includePad: boolean): void {
  w.u32(x[0], x[1], x[2], x[3], oh, ow, a.kernel[0], a.kernel[1], a.strides[0], a.strides[1], a.pads[0], a.pads[2], includePad ? 1 : 0);
}

/** The clipped window of output (oy, ox) as i32 bounds y0,y1,x0,x1, and its divisor. */
const WINDOW = `
fn window(oy: u32, ox: u32) -> vec4<i32> {
  let ty = i32(oy * P(9u)) - PI(11u);
  let tx = i32(ox * P(10u)) - PI(12u);
  return vec4<i32>(max(ty, 0), min(ty + PI(7u), PI(2u)), max(tx, 0), min(tx + PI(8u), PI(3u)));
}
fn divisor(b: vec4<i32>) -> f32 {
  if (P(13u) == 1u) { return f32(P(7u) * P(8u)); }
  return f32((b.y - b.x) * (b.w - b.z));
}`;

const OUT_COORDS = `  let ch = i % P(4u); let r1 = i / P(4u); let ox = r1 % P(6u); let r2 = r1 / P(6u); let oy = r2 % P(5u); let b = r2 / P(5u);
  let win = window(oy, ox);`;

const AVG = `${OUT_COORDS}
  var s = 0.0;
  for (var y = win.x; y < win.y; y = y + 1) {
    for (var x = win.z; x < win.w; x = x + 1) { s = s + xs[((b * P(2u) + u32(y)) * P(3u) + u32(x)) * P(4u) + ch]; }
  }
  out[i] = s / divisor(win);`;

const MAX = `${OUT_COORDS}
  var m = xs[((b * P(2u) + u32(win.x)) * P(3u) + u32(win.z)) * P(4u) + ch];
  for (var y = win.x; y < win.y; y = y + 1) {
    for (var x = win.z; x < win.w; x = x + 1) { m = max(m, xs[((b * P(2u) + u32(y)) * P(3u) + u32(x)) * P(4u) + ch]); }
  }
  out[i] = m;`;

// Input cell (iy, ix) lies in output windows oy with oy*s - p <= iy < oy*s - p + k.
const AVG_GRAD = `  let ch = i % P(4u); let r1 = i / P(4u); let ix = i32(r1 % P(3u)); let r2 = r1 / P(3u); let iy = i32(r2 % P(2u)); let b = r2 / P(2u);
  let sy = PI(9u); let sx = PI(10u);
  let oy0 = max((iy + PI(11u) - PI(7u) + sy) / sy, 0); let oy1 = min((iy + PI(11u)) / sy, PI(5u) - 1);
  let ox0 = max((ix + PI(12u) - PI(8u) + sx) / sx, 0); let ox1 = min((ix + PI(12u)) / sx, PI(6u) - 1);
  var s = 0.0;
  for (var oy = oy0; oy <= oy1; oy = oy + 1) {
    for (var ox = ox0; ox <= ox1; ox = ox + 1) {
      let win = window(u32(oy), u32(ox));
      s = s + dy[((b * P(5u) + u32(oy)) * P(6u) + u32(ox)) * P(4u) + ch] / divisor(win);
    }
  }
  out[i] = s;`;

function avgPool(rt: KernelRuntime): KernelImpl<'AvgPool'> {
  return ({ inputs: [x], attrs, outShape }) => {
    const out = rt.output(outShape);
    runLinear(rt, { label: 'avg pool', inputs: [{ name: 'xs' }], helpers: WINDOW, body: AVG }, sizeOf(outShape),
      (w) => poolParams(w, x.shape, outShape[1], outShape[2], attrs, attrs.countIncludePad), [rt.buffer(x)], out.storage!);
    return out;
  };
}

function maxPool(rt: KernelRuntime): KernelImpl<'MaxPool'> {
  return ({ inputs: [x], attrs, outShape }) => {
    const out = rt.output(outShape);
    runLinear(rt, { label: 'max pool', inputs: [{ name: 'xs' }], helpers: WINDOW, body: MAX }, sizeOf(outShape),
      (w) => poolParams(w, x.shape, outShape[1], outShape[2], attrs, false), [rt.buffer(x)], out.storage!);
    return out;
  };
}

function avgPoolGrad(rt: KernelRuntime): KernelImpl<'AvgPoolGrad'> {
  return ({ inputs: [dy], attrs, outShape }) => {
    const out = rt.output(outShape);
    runLinear(rt, { label: 'avg pool grad', inputs: [{ name: 'dy' }], helpers: WINDOW, body: AVG_GRAD }, sizeOf(outShape),
      (w) => poolParams(w, attrs.inputShape, dy.shape[1], dy.shape[2], attrs, attrs.countIncludePad), [rt.buffer(dy)], out.storage!);
    return out;
  };
}

/** The pooling kernels. */
export function poolKernels(rt: KernelRuntime): KernelTable {
  return { AvgPool: avgPool(rt), AvgPoolGrad: avgPoolGrad(rt), MaxPool: maxPool(rt) };
}
