import { add, atan, clip, div, exp, mul, neg, relu, sub } from '../../ops/elementwise.js';
import { concat, splitLast } from '../../ops/layout.js';
import { adaptiveAvgPool, resizeBilinear } from '../../ops/nn.js';
import { sum } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { conv3x3, convLnReluConv, convLnReluConvSpecs } from '../../flow/layers.js';
import { checkInputs, type FlowResult, type InvertibleModule } from '../../flow/module.js';
import { convSpecs, type ParamMap, type ParamSpec } from '../../flow/params.js';

/** Options of {@link FusionCoupling}. */
export interface FusionOptions {
  /** Channels of each scale's input, fine to coarse; each must be even. */
  channels: readonly number[];
  /** Bound α of the atan soft clamp (MSFlow: 1.9). */
  clamp: number;
}

/** 0.636 ≈ 2/π: the constant the reference code uses, kept as written rather than 2/π. */
const ATAN_GAIN = 0.636;
/** Forward-only safety clamp of the outputs (not reflected in the log-det, spec §4.2). */
const OUTPUT_LIMIT = 1e6;

/**
 * Width of the cross-scale mixer's hidden layer: a quarter of the concatenated half-channels,
 * rounded down (integer division as in the reference, 896 → 224 for MSFlow), at least 1.
 *
 * @example
 * ```ts
 * mixerHidden([256, 512, 1024]); // 224
 * ```
 */
export function mixerHidden(channels: readonly number[]): number {
  return Math.max(1, Math.floor(channels.reduce((s, c) => s + c / 2, 0) / 4));
}

/**
 * MSFlow's fusion coupling (spec §4.2-4.3): a two-step affine coupling across all scales.
 *
 * Each scale splits into a (first C/2) and b. Step 1 transforms a from all b's:
 * a' = a·e^{E(s2)} + t2 with (s2, t2) = Φ₂(b₁..b_L); step 2 transforms b from all a''s:
 * b' = b·e^{E(s1)} + t1 with (s1, t1) = Φ₁(a'₁..a'_L). E(s) = α·0.636·atan(s/α); there is no
 * 0.1 pre-scale here. Outputs concat(a', b') are clamped to ±1e6 (forward only).
 * log|det| = Σ_l Σ E(s1_l) + Σ E(s2_l).
 *
 * Φ pools every input to the coarsest grid, mixes them (conv3x3 ΣC/2 → {@link mixerHidden} →
 * LN → ReLU → conv3x3 → ReLU), splits the result back per scale, up-samples it bilinearly
 * (align_corners) and adds it to its input, then applies per-scale 3x3 s and t heads.
 * Parameters: `${name}.phi{1,2}.mixer.{conv1,ln,conv2}`, `${name}.phi{1,2}.{s,t}{l}`.
 *
 * @example
 * ```ts
 * const fusion = new FusionCoupling('fusion', { channels: [256, 512, 1024], clamp: 1.9 });
 * const { outputs, logDet } = fusion.forward([z1, z2, z3], [], params);
 * ```
 */
export class FusionCoupling implements InvertibleModule {
  readonly arity: number;
  private readonly halves: number[];

  constructor(
    readonly name: string,
    readonly options: FusionOptions,
  ) {
    const { channels, clamp } = options;
    if (channels.length < 1) throw new Error(`${name}: needs at least one scale`);
    for (const c of channels) {
      if (!Number.isInteger(c) || c < 2 || c % 2 !== 0) throw new Error(`${name}: every scale needs an even channel count >= 2, got [${channels.join(',')}]`);
    }
    if (!(clamp > 0)) throw new Error(`${name}: clamp must be positive, got ${clamp}`);
    this.arity = channels.length;
    this.halves = channels.map((c) => c / 2);
  }

  paramSpecs(): ParamSpec[] {
    return [...this.phiSpecs('phi1'), ...this.phiSpecs('phi2')];
  }

  forward(inputs: readonly Tensor[], _conditions: readonly Tensor[], params: ParamMap): FlowResult {
    const parts = this.split(inputs);
    const a = parts.map((p) => p[0]);
    const b = parts.map((p) => p[1]);
    const step1 = this.phi('phi2', b, params);
    const e2 = step1.s.map((s) => this.softClamp(s));
    const a2 = a.map((x, l) => add(mul(x, exp(e2[l])), step1.t[l]));
    const step2 = this.phi('phi1', a2, params);
    const e1 = step2.s.map((s) => this.softClamp(s));
    const b2 = b.map((x, l) => add(mul(x, exp(e1[l])), step2.t[l]));
    const outputs = a2.map((x, l) => clip(concat([x, b2[l]], -1), -OUTPUT_LIMIT, OUTPUT_LIMIT));
    return { outputs, logDet: this.logDet([...e1, ...e2]) };
  }

  reverse(outputs: readonly Tensor[], _conditions: readonly Tensor[], params: ParamMap): FlowResult {
    const parts = this.split(outputs);
    const a2 = parts.map((p) => p[0]);
    const b2 = parts.map((p) => p[1]);
    const step2 = this.phi('phi1', a2, params);
    const e1 = step2.s.map((s) => this.softClamp(s));
    const b = b2.map((x, l) => mul(sub(x, step2.t[l]), exp(neg(e1[l]))));
    const step1 = this.phi('phi2', b, params);
    const e2 = step1.s.map((s) => this.softClamp(s));
    const a = a2.map((x, l) => mul(sub(x, step1.t[l]), exp(neg(e2[l]))));
    // The reference code returns +log-det here (a sign bug, spec §4.4); the inverse's is negative.
    return { outputs: a.map((x, l) => concat([x, b[l]], -1)), logDet: neg(this.logDet([...e1, ...e2])) };
  }

  private split(xs: readonly Tensor[]): Tensor[][] {
    checkInputs(this.name, xs, this.arity);
    return xs.map((x, l) => {
      if (x.shape[3] !== this.options.channels[l]) {
        throw new Error(`${this.name}: scale ${l} expects ${this.options.channels[l]} channels, got [${x.shape.join(',')}]`);
      }
      return splitLast(x, [this.halves[l], this.halves[l]]);
    });
  }

  private softClamp(s: Tensor): Tensor {
    const alpha = this.options.clamp;
    return mul(atan(div(s, alpha)), alpha * ATAN_GAIN);
  }

  private logDet(terms: readonly Tensor[]): Tensor {
    return terms.map((e) => sum(e, [1, 2, 3])).reduce((p, q) => add(p, q));
  }

  private phiSpecs(phi: string): ParamSpec[] {
    const total = this.halves.reduce((s, h) => s + h, 0);
    const prefix = `${this.name}.${phi}`;
    return [
      ...convLnReluConvSpecs(`${prefix}.mixer`, total, mixerHidden(this.options.channels), total),
      ...this.halves.flatMap((h, l) => [...convSpecs(`${prefix}.s${l}`, 3, h, h), ...convSpecs(`${prefix}.t${l}`, 3, h, h)]),
    ];
  }

  /** Φ: cross-scale mixer, residual add, per-scale s and t heads. */
  private phi(phi: string, vs: readonly Tensor[], params: ParamMap): { s: Tensor[]; t: Tensor[] } {
    const prefix = `${this.name}.${phi}`;
    const h = Math.min(...vs.map((v) => v.shape[1]));
    const w = Math.min(...vs.map((v) => v.shape[2]));
    const pooled = concat(vs.map((v) => adaptiveAvgPool(v, [h, w])), -1);
    const mixed = splitLast(relu(convLnReluConv(pooled, params, `${prefix}.mixer`)), this.halves);
    const r = vs.map((v, l) => add(v, resizeBilinear(mixed[l], [v.shape[1], v.shape[2]], true)));
    return { s: r.map((x, l) => conv3x3(x, params, `${prefix}.s${l}`)), t: r.map((x, l) => conv3x3(x, params, `${prefix}.t${l}`)) };
  }
}
