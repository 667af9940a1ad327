import type { ConvAttrs } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { GemmSpec } from '../wgsl/gemm.js';
import type { Uniforms } from '../wgsl/uniforms.js';
import { runGemm } from './gemm_runner.js';
import { runLinear } from './linear.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/**
 * The three convolution kernels as implicit GEMMs on the tiled, register-blocked GEMM template
 * (no im2col buffer: the A operand is read straight from the NHWC image). Per group g:
 *
 * - Conv2D:               y[pixel, co]  = Σ_(tap, ci) x[pixel ⊕ tap, ci] · f[tap, ci, co]
 * - Conv2DBackpropInput:  dx[pixel, ci] = Σ_(tap, co) dy[(pixel ⊖ tap)/stride, co] · f[tap, ci, co]
 * - Conv2DBackpropFilter: df[(tap, ci), co] = Σ_(b, out pixel) x[pixel ⊕ tap, ci] · dy[pixel, co]
 *
 * The filter gradient has a tiny output and a long K (N·OH·OW), so the GEMM runner splits K
 * over workgroups and sums the partial tiles.
 */

/** The named sizes every convolution shader reads: input x, HWIO filter f, output oh x ow. */
const convUniforms = (x: readonly number[], f: readonly number[], oh: number, ow: number, a: ConvAttrs) => (u: Uniforms) => {
  u.u32({ height: x[1], width: x[2], channels: x[3], out_height: oh, out_width: ow, kernel_h: f[0], kernel_w: f[1] });
  u.u32({ cin_group: f[2], cout: f[3], cout_group: f[3] / a.groups });
  u.i32({ stride_h: a.strides[0], stride_w: a.strides[1], pad_top: a.pads[0], pad_left: a.pads[2] });
};

const IN_IMAGE = (iy: string, ix: string) => `${iy} >= 0 && ${iy} < i32(u.height) && ${ix} >= 0 && ${ix} < i32(u.width)`;

function forwardSpec(bias: boolean, split: boolean): GemmSpec {
  return {
    label: `conv2d${bias ? ' +bias' : ''}`,
    inputs: [{ name: 'x' }, { name: 'f' }, ...(bias && !split ? [{ name: 'bias' }] : [])],
    outputs: [{ name: 'y' }],
    aFast: 'k',
    bFast: 'n',
    aSetup: (m, s) => `let ohw${s} = u.out_height * u.out_width; let ab${s} = ${m} / ohw${s}; let apx${s} = ${m} % ohw${s};
let aiy${s} = i32(apx${s} / u.out_width) * u.stride_h - u.pad_top; let aix${s} = i32(apx${s} % u.out_width) * u.stride_w - u.pad_left;`,
    aLoad: (k, s, dst) => `let ci = ${k} % u.cin_group; let tap = ${k} / u.cin_group;
let iy = aiy${s} + i32(tap / u.kernel_w); let ix = aix${s} + i32(tap % u.kernel_w);
if (${IN_IMAGE('iy', 'ix')}) { ${dst} = x[((ab${s} * u.height + u32(iy)) * u.width + u32(ix)) * u.channels + g * u.cin_group + ci]; }`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `${dst} = f[${k} * u.cout + g * u.cout_group + bn${s}];`,
    store: (m, n, v, sp) =>
      split
        ? `y[${sp} * u.out_size + ${m} * u.cout + g * u.cout_group + ${n}] = ${v};`
        : `y[${m} * u.cout + g * u.cout_group + ${n}] = ${v}${bias ? ` + bias[g * u.cout_group + ${n}]` : ''};`,
  };
}

function inputGradSpec(): GemmSpec {
  return {
    label: 'conv2d dx',
    inputs: [{ name: 'dy' }, { name: 'f' }],
    outputs: [{ name: 'dx' }],
    aFast: 'k',
    bFast: 'k',
    aSetup: (m, s) => `let hw${s} = u.height * u.width; let ab${s} = ${m} / hw${s}; let apx${s} = ${m} % hw${s};
let aty${s} = i32(apx${s} / u.width) + u.pad_top; let atx${s} = i32(apx${s} % u.width) + u.pad_left;`,
    // Output (oy, ox) reads this input pixel through tap (ky, kx) when oy·s + ky = y + pad.
    aLoad: (k, s, dst) => `let co = ${k} % u.cout_group; let tap = ${k} / u.cout_group;
let ny = aty${s} - i32(tap / u.kernel_w); let nx = atx${s} - i32(tap % u.kernel_w);
if (ny >= 0 && nx >= 0 && ny % u.stride_h == 0 && nx % u.stride_w == 0) {
  let oy = u32(ny / u.stride_h); let ox = u32(nx / u.stride_w);
  if (oy < u.out_height && ox < u.out_width) { ${dst} = dy[((ab${s} * u.out_height + oy) * u.out_width + ox) * u.cout + g * u.cout_group + co]; }
}`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `let co = ${k} % u.cout_group; let tap = ${k} / u.cout_group;
${dst} = f[(tap * u.cin_group + bn${s}) * u.cout + g * u.cout_group + co];`,
    store: (m, n, v, sp) => `dx[${sp} * u.out_size + ${m} * u.channels + g * u.cin_group + ${n}] = ${v};`,
  };
}

function filterGradSpec(): GemmSpec {
  return {
    label: 'conv2d dfilter',
    inputs: [{ name: 'x' }, { name: 'dy' }],
    outputs: [{ name: 'df' }],
    aFast: 'm',
    bFast: 'n',
    aSetup: (m, s) => `let aci${s} = ${m} % u.cin_group; let atap${s} = ${m} / u.cin_group;
let aky${s} = i32(atap${s} / u.kernel_w) - u.pad_top; let akx${s} = i32(atap${s} % u.kernel_w) - u.pad_left;`,
    aLoad: (k, s, dst) => `let ox = ${k} % u.out_width; let r = ${k} / u.out_width; let oy = r % u.out_height; let b = r / u.out_height;
let iy = i32(oy) * u.stride_h + aky${s}; let ix = i32(ox) * u.stride_w + akx${s};
if (${IN_IMAGE('iy', 'ix')}) { ${dst} = x[((b * u.height + u32(iy)) * u.width + u32(ix)) * u.channels + g * u.cin_group + aci${s}]; }`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `${dst} = dy[${k} * u.cout + g * u.cout_group + bn${s}];`,
    store: (m, n, v, sp) => `df[${sp} * u.out_size + ${m} * u.cout + g * u.cout_group + ${n}] = ${v};`,
  };
}

/**
 * Direct convolution, one invocation per output value. A GEMM tile is 64 output channels wide,
 * so for depthwise convolutions (1 input channel per group, 1-2 outputs) it would compute mostly
 * padding; the direct loop does only the kh·kw taps.
 */
const directBody = (bias: boolean) => `  let co = i % u.cout; let r1 = i / u.cout; let ox = r1 % u.out_width; let r2 = r1 / u.out_width;
  let oy = r2 % u.out_height; let b = r2 / u.out_height;
  let g = co / u.cout_group;
  var acc = ${bias ? 'bias[co]' : '0.0'};
  for (var ky = 0u; ky < u.kernel_h; ky = ky + 1u) {
    let iy = i32(oy) * u.stride_h + i32(ky) - u.pad_top;
    if (iy < 0 || iy >= i32(u.height)) { continue; }
    for (var kx = 0u; kx < u.kernel_w; kx = kx + 1u) {
      let ix = i32(ox) * u.stride_w + i32(kx) - u.pad_left;
      if (ix < 0 || ix >= i32(u.width)) { continue; }
      let xo = ((b * u.height + u32(iy)) * u.width + u32(ix)) * u.channels + g * u.cin_group;
      let fo = (ky * u.kernel_w + kx) * u.cin_group;
      for (var ci = 0u; ci < u.cin_group; ci = ci + 1u) { acc = acc + x[xo + ci] * f[(fo + ci) * u.cout + co]; }
    }
  }
  out[i] = acc;`;

/** Whether a convolution runs the direct kernel: chosen by option, or for depthwise-like shapes. */
function useDirect(rt: KernelRuntime, f: readonly number[], groups: number): boolean {
  const mode = rt.options.conv;
  return mode === 'direct' || (mode === 'auto' && groups > 1 && f[2] * (f[3] / groups) <= 8);
}

function conv2d(rt: KernelRuntime): WebgpuKernel<'Conv2D'> {
  return ({ inputs: [x, f, bias], attrs, outShape }) => {
    const out = rt.output(outShape);
    const [n, oh, ow, co] = outShape;
    const uniforms = convUniforms(x.shape, f.shape, oh, ow, attrs);
    if (useDirect(rt, f.shape, attrs.groups)) {
      const ins = [rt.buffer(x), rt.buffer(f), ...(bias ? [rt.buffer(bias)] : [])];
      const decl = [{ name: 'x' }, { name: 'f' }, ...(bias ? [{ name: 'bias' }] : [])];
      runLinear(rt, { label: `conv2d direct${bias ? ' +bias' : ''}`, inputs: decl, body: directBody(bias !== undefined) }, n * oh * ow * co,
        uniforms, ins, out.storage!);
      return out;
    }
    const biasBuf = bias ? rt.buffer(bias) : undefined;
    runGemm(rt, (split) => forwardSpec(bias !== undefined, split), {
      m: n * oh * ow,
      n: co / attrs.groups,
      k: f.shape[0] * f.shape[1] * f.shape[2],
      groups: attrs.groups,
      inputs: [rt.buffer(x), rt.buffer(f)],
      extraInputs: biasBuf ? [biasBuf] : [],
      out: out.storage!,
      outSize: n * oh * ow * co,
      uniforms,
      bias: biasBuf,
      biasLength: co,
    });
    return out;
  };
}

function conv2dBackpropInput(rt: KernelRuntime): WebgpuKernel<'Conv2DBackpropInput'> {
  return ({ inputs: [dy, f], attrs, outShape }) => {
    const out = rt.output(outShape);
    const [n, h, w, c] = outShape;
    runGemm(rt, () => inputGradSpec(), {
      m: n * h * w,
      n: c / attrs.groups,
      k: f.shape[0] * f.shape[1] * f.shape[3] / attrs.groups,
      groups: attrs.groups,
      inputs: [rt.buffer(dy), rt.buffer(f)],
      out: out.storage!,
      outSize: n * h * w * c,
      uniforms: convUniforms(outShape, f.shape, dy.shape[1], dy.shape[2], attrs),
    });
    return out;
  };
}

function conv2dBackpropFilter(rt: KernelRuntime): WebgpuKernel<'Conv2DBackpropFilter'> {
  return ({ inputs: [x, dy], attrs, outShape }) => {
    const out = rt.output(outShape);
    const [kh, kw, ci, co] = outShape;
    const [n, oh, ow] = dy.shape;
    runGemm(rt, () => filterGradSpec(), {
      m: kh * kw * ci,
      n: co / attrs.groups,
      k: n * oh * ow,
      groups: attrs.groups,
      inputs: [rt.buffer(x), rt.buffer(dy)],
      out: out.storage!,
      outSize: kh * kw * ci * co,
      uniforms: convUniforms(x.shape, outShape, oh, ow, attrs),
    });
    return out;
  };
}

/** The convolution kernels. */
export function convKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter'> {
  return { Conv2D: conv2d(rt), Conv2DBackpropInput: conv2dBackpropInput(rt), Conv2DBackpropFilter: conv2dBackpropFilter(rt) };
}
