import type { ConvAttrs, KernelImpl, KernelTable } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { GemmSpec } from '../wgsl/gemm.js';
import { runGemm } from './gemm_runner.js';
import { runLinear } from './linear.js';

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
 *
 * Extra words (from 8): 8 H, 9 W, 10 C, 11 OH, 12 OW, 13 KW, 14 Cin/group, 15 Cout,
 * 16 Cout/group, 17 strideH, 18 strideW, 19 padTop, 20 padLeft.
 */
const EXTRA = 13;

function convWords(x: readonly number[], f: readonly number[], oh: number, ow: number, a: ConvAttrs): number[] {
  return [x[1], x[2], x[3], oh, ow, f[1], f[2], f[3], f[3] / a.groups, a.strides[0], a.strides[1], a.pads[0], a.pads[2]];
}

const IN_IMAGE = (iy: string, ix: string) => `${iy} >= 0 && ${iy} < PI(8u) && ${ix} >= 0 && ${ix} < PI(9u)`;

function forwardSpec(bias: boolean, split: boolean): GemmSpec {
  return {
    label: `conv2d${bias ? ' +bias' : ''}`,
    inputs: [{ name: 'x' }, { name: 'f' }, ...(bias && !split ? [{ name: 'bias' }] : [])],
    outputs: [{ name: 'y' }],
    extraParams: EXTRA,
    aFast: 'k',
    bFast: 'n',
    aSetup: (m, s) => `let ohw${s} = P(11u) * P(12u); let ab${s} = ${m} / ohw${s}; let apx${s} = ${m} % ohw${s};
let aiy${s} = i32(apx${s} / P(12u)) * PI(17u) - PI(19u); let aix${s} = i32(apx${s} % P(12u)) * PI(18u) - PI(20u);`,
    aLoad: (k, s, dst) => `let ci = ${k} % P(14u); let tap = ${k} / P(14u);
let iy = aiy${s} + i32(tap / P(13u)); let ix = aix${s} + i32(tap % P(13u));
if (${IN_IMAGE('iy', 'ix')}) { ${dst} = x[((ab${s} * P(8u) + u32(iy)) * P(9u) + u32(ix)) * P(10u) + g * P(14u) + ci]; }`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `${dst} = f[${k} * P(15u) + g * P(16u) + bn${s}];`,
    store: (m, n, v, sp) =>
      split
        ? `y[${sp} * P(5u) + ${m} * P(15u) + g * P(16u) + ${n}] = ${v};`
        : `y[${m} * P(15u) + g * P(16u) + ${n}] = ${v}${bias ? ` + bias[g * P(16u) + ${n}]` : ''};`,
  };
}

function inputGradSpec(): GemmSpec {
  return {
    label: 'conv2d dx',
    inputs: [{ name: 'dy' }, { name: 'f' }],
    outputs: [{ name: 'dx' }],
    extraParams: EXTRA,
    aFast: 'k',
    bFast: 'k',
    aSetup: (m, s) => `let hw${s} = P(8u) * P(9u); let ab${s} = ${m} / hw${s}; let apx${s} = ${m} % hw${s};
let aty${s} = i32(apx${s} / P(9u)) + PI(19u); let atx${s} = i32(apx${s} % P(9u)) + PI(20u);`,
    // Output (oy, ox) reads this input pixel through tap (ky, kx) when oy·s + ky = y + pad.
    aLoad: (k, s, dst) => `let co = ${k} % P(16u); let tap = ${k} / P(16u);
let ny = aty${s} - i32(tap / P(13u)); let nx = atx${s} - i32(tap % P(13u));
if (ny >= 0 && nx >= 0 && ny % PI(17u) == 0 && nx % PI(18u) == 0) {
  let oy = u32(ny / PI(17u)); let ox = u32(nx / PI(18u));
  if (oy < P(11u) && ox < P(12u)) { ${dst} = dy[((ab${s} * P(11u) + oy) * P(12u) + ox) * P(15u) + g * P(16u) + co]; }
}`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `let co = ${k} % P(16u); let tap = ${k} / P(16u);
${dst} = f[(tap * P(14u) + bn${s}) * P(15u) + g * P(16u) + co];`,
    store: (m, n, v, sp) => `dx[${sp} * P(5u) + ${m} * P(10u) + g * P(14u) + ${n}] = ${v};`,
  };
}

function filterGradSpec(): GemmSpec {
  return {
    label: 'conv2d dfilter',
    inputs: [{ name: 'x' }, { name: 'dy' }],
    outputs: [{ name: 'df' }],
    extraParams: EXTRA,
    aFast: 'm',
    bFast: 'n',
    aSetup: (m, s) => `let aci${s} = ${m} % P(14u); let atap${s} = ${m} / P(14u);
let aky${s} = i32(atap${s} / P(13u)) - PI(19u); let akx${s} = i32(atap${s} % P(13u)) - PI(20u);`,
    aLoad: (k, s, dst) => `let ox = ${k} % P(12u); let r = ${k} / P(12u); let oy = r % P(11u); let b = r / P(11u);
let iy = i32(oy) * PI(17u) + aky${s}; let ix = i32(ox) * PI(18u) + akx${s};
if (${IN_IMAGE('iy', 'ix')}) { ${dst} = x[((b * P(8u) + u32(iy)) * P(9u) + u32(ix)) * P(10u) + g * P(14u) + aci${s}]; }`,
    bSetup: () => '',
    bLoad: (k, s, dst) => `${dst} = dy[${k} * P(15u) + g * P(16u) + bn${s}];`,
    store: (m, n, v, sp) => `df[${sp} * P(5u) + ${m} * P(15u) + g * P(16u) + ${n}] = ${v};`,
  };
}

/**
 * Direct convolution, one invocation per output value. A GEMM tile is 64 output channels wide,
 * so for depthwise convolutions (1 input channel per group, 1-2 outputs) it would compute mostly
 * padding; the direct loop does only the kh·kw taps. Words 1..13 as the GEMM's 8..20, 14 KH.
 */
const directBody = (bias: boolean) => `  let co = i % P(8u); let r1 = i / P(8u); let ox = r1 % P(5u); let r2 = r1 / P(5u); let oy = r2 % P(4u); let b = r2 / P(4u);
  let g = co / P(9u);
  var acc = ${bias ? 'bias[co]' : '0.0'};
  for (var ky = 0u; ky < P(14u); ky = ky + 1u) {
    let iy = i32(oy * P(10u) + ky) - PI(12u);
    if (iy < 0 || iy >= PI(1u)) { continue; }
    for (var kx = 0u; kx < P(6u); kx = kx + 1u) {
      let ix = i32(ox * P(11u) + kx) - PI(13u);
      if (ix < 0 || ix >= PI(2u)) { continue; }
      let xo = ((b * P(1u) + u32(iy)) * P(2u) + u32(ix)) * P(3u) + g * P(7u);
      let fo = (ky * P(6u) + kx) * P(7u);
      for (var ci = 0u; ci < P(7u); ci = ci + 1u) { acc = acc + x[xo + ci] * f[(fo + ci) * P(8u) + co]; }
    }
  }
  out[i] = acc;`;

/** Whether a convolution runs the direct kernel: chosen by option, or for depthwise-like shapes. */
function useDirect(rt: KernelRuntime, f: readonly number[], groups: number): boolean {
  const mode = rt.options.conv;
  return mode === 'direct' || (mode === 'auto' && groups > 1 && f[2] * (f[3] / groups) <= 8);
}

function conv2d(rt: KernelRuntime): KernelImpl<'Conv2D'> {
  return ({ inputs: [x, f, bias], attrs, outShape }) => {
    const out = rt.output(outShape);
    const [n, oh, ow, co] = outShape;
    const words = convWords(x.shape, f.shape, oh, ow, attrs);
    if (useDirect(rt, f.shape, attrs.groups)) {
      const ins = [rt.buffer(x), rt.buffer(f), ...(bias ? [rt.buffer(bias)] : [])];
      const decl = [{ name: 'x' }, { name: 'f' }, ...(bias ? [{ name: 'bias' }] : [])];
      runLinear(rt, { label: `conv2d direct${bias ? ' +bias' : ''}`, inputs: decl, body: directBody(bias !== undefined) }, n * oh * ow * co,
        (w) => w.u32(...words, f.shape[0]), ins, out.storage!);
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
      extra: words,
      bias: biasBuf,
      biasLength: co,
    });
    return out;
  };
}

function conv2dBackpropInput(rt: KernelRuntime): KernelImpl<'Conv2DBackpropInput'> {
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
      extra: convWords(outShape, f.shape, dy.shape[1], dy.shape[2], attrs),
    });
    return out;
  };
}

function conv2dBackpropFilter(rt: KernelRuntime): KernelImpl<'Conv2DBackpropFilter'> {
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
      extra: convWords(x.shape, outShape, oh, ow, attrs),
    });
    return out;
  };
}

/** The convolution kernels. */
export function convKernels(rt: KernelRuntime): KernelTable {
  return { Conv2D: conv2d(rt), Conv2DBackpropInput: conv2dBackpropInput(rt), Conv2DBackpropFilter: conv2dBackpropFilter(rt) };
}
