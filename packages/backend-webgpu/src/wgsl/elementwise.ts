import type { BinaryKernel, UnaryKernel } from '@msflow/core';
import type { ExprNode } from '../runtime/tensor_data.js';
import { header, linearMain } from './common.js';
import { Uniforms } from './uniforms.js';

/**
 * Helper functions with better accuracy than the plain formulas: `tanh` that cannot overflow,
 * `log1p` (Goldberg's trick, exact to a few ulp), a `softplus` and `sigmoid` that stay finite.
 */
export const MATH_HELPERS = `
fn m_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.4) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333334 + x2 * (0.13333334 + x2 * (-0.053968254 + x2 * (0.021869488 + x2 * -0.008863236)))));
  }
  let e = exp(-2.0 * min(a, 20.0));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn m_log1p(x: f32) -> f32 {
  let v = 1.0 + x;
  if (v == 1.0) { return x; }
  return log(v) * x / (v - 1.0);
}
fn m_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn m_softplus(x: f32) -> f32 {
  return max(x, 0.0) + m_log1p(exp(-abs(x)));
}
fn m_step(x: f32) -> f32 { return select(0.0, 1.0, x > 0.0); }
`;

/** WGSL of each unary kernel applied to an expression. */
const UNARY: { readonly [K in UnaryKernel]: (a: string) => string } = {
  Exp: (a) => `exp(${a})`,
  Log: (a) => `log(${a})`,
  Tanh: (a) => `m_tanh(${a})`,
  Atan: (a) => `atan(${a})`,
  Sigmoid: (a) => `m_sigmoid(${a})`,
  Softplus: (a) => `m_softplus(${a})`,
  Relu: (a) => `max(${a}, 0.0)`,
  Relu6: (a) => `clamp(${a}, 0.0, 6.0)`,
  Sqrt: (a) => `sqrt(${a})`,
  Square: (a) => `(${a} * ${a})`,
  Neg: (a) => `(-${a})`,
  Abs: (a) => `abs(${a})`,
  Step: (a) => `m_step(${a})`,
  Sign: (a) => `sign(${a})`,
};

/** WGSL of each binary kernel applied to two expressions. */
const BINARY: { readonly [K in BinaryKernel]: (a: string, b: string) => string } = {
  Add: (a, b) => `(${a} + ${b})`,
  Sub: (a, b) => `(${a} - ${b})`,
  Mul: (a, b) => `(${a} * ${b})`,
  Div: (a, b) => `(${a} / ${b})`,
  Maximum: (a, b) => `max(${a}, ${b})`,
  Minimum: (a, b) => `min(${a}, ${b})`,
};

/**
 * How a leaf's index follows from the output's linear index `i`:
 * `same` (same shape), `scalar` (one element), `mod` (the leaf is a suffix of the output's
 * dimensions: `i % size`), `div` (a prefix: `i / inner`), `general` (per-axis strides).
 */
export type LeafMode = 'same' | 'scalar' | 'mod' | 'div' | 'general';

/** Structure of one fused element-wise program (what its code depends on). */
export interface FusedLayout {
  readonly node: ExprNode;
  readonly modes: readonly LeafMode[];
  /** Rank of the merged output shape used by `general` leaves (0 when none is general). */
  readonly rank: number;
}

/** Values of a fused program's uniforms, as {@link fusedUniforms} names them. */
export interface FusedParams {
  readonly n: number;
  /** Per leaf: `mod` leaf size, `div` inner size, otherwise unused. */
  readonly leafWords: readonly number[];
  /** Merged output dims (length `rank`). */
  readonly dims: readonly number[];
  /** Per `general` leaf, its strides over the merged dims (0 where broadcast). */
  readonly strides: readonly (readonly number[] | null)[];
  /** Values of the `const` nodes in depth-first order. */
  readonly consts: readonly number[];
}

/**
 * The named uniforms of a fused program: `n`; `leaf{l}` of each `mod` or `div` leaf (its size,
 * or the inner size); the merged output dims `dim{d}` and each `general` leaf's strides
 * `stride{l}_{d}`; the `const` nodes' values `value{j}` (f32) in depth-first order.
 */
export function fusedUniforms(layout: FusedLayout, p: FusedParams): Uniforms {
  const u = new Uniforms().u32({ n: p.n });
  layout.modes.forEach((m, l) => {
    if (m === 'mod' || m === 'div') u.u32({ [`leaf${l}`]: p.leafWords[l] });
  });
  if (layout.rank > 0) u.u32s('dim', p.dims);
  layout.modes.forEach((m, l) => {
    if (m === 'general') u.u32s(`stride${l}_`, p.strides[l]!);
  });
  p.consts.forEach((v, j) => u.f32({ [`value${j}`]: v }));
  return u;
}

/** WGSL of a fused program over `layout`, reading the uniforms {@link fusedUniforms} declares. */
export function fusedShader(layout: FusedLayout, uniforms: Uniforms, wg: number): string {
  const { node, modes, rank } = layout;
  const body: string[] = [];
  if (modes.includes('general')) {
    body.push('  var r = i;');
    for (let d = rank - 1; d >= 0; d--) {
      body.push(`  let c${d} = r % u.dim${d};`);
      if (d > 0) body.push(`  r = r / u.dim${d};`);
    }
  }
  modes.forEach((m, l) => {
    let idx: string;
    if (m === 'same') idx = 'i';
    else if (m === 'scalar') idx = '0u';
    else if (m === 'mod') idx = `i % u.leaf${l}`;
    else if (m === 'div') idx = `i / u.leaf${l}`;
    else idx = Array.from({ length: rank }, (_, d) => `c${d} * u.stride${l}_${d}`).join(' + ');
    body.push(`  let v${l} = in${l}[${idx}];`);
  });
  let tmp = 0;
  let constAt = 0;
  const emit = (n: ExprNode): string => {
    switch (n.k) {
      case 'leaf':
        return `v${n.i}`;
      case 'const':
        return `u.value${constAt++}`;
      case 'unary': {
        const a = emit(n.a);
        body.push(`  let t${tmp} = ${UNARY[n.op](a)};`);
        return `t${tmp++}`;
      }
      case 'binary': {
        const a = emit(n.a);
        const b = emit(n.b);
        body.push(`  let t${tmp} = ${BINARY[n.op](a, b)};`);
        return `t${tmp++}`;
      }
    }
  };
  const result = emit(node);
  body.push(`  out[i] = ${result};`);
  return [header(uniforms, modes.map((_, l) => ({ name: `in${l}` })), [{ name: 'out' }]), MATH_HELPERS, linearMain(wg, body.join('\n'))].join('\n');
}
