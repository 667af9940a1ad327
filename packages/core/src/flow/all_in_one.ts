import { add, div, exp, log, mul, neg, softplusBeta, sub, tanh } from '../ops/elementwise.js';
import { concat, gather, reshape, splitLast } from '../ops/layout.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { convLnReluConv, convLnReluConvSpecs } from './layers.js';
import { checkInputs, type FlowResult, type InvertibleModule } from './module.js';
import { param, type ParamMap, type ParamSpec } from './params.js';
import { assertPermutation, invertPermutation } from './permutation.js';

/** Options of {@link AllInOneBlock}. */
export interface AllInOneOptions {
  /** Channels C of the input (any C ≥ 2; the passive half takes ⌈C/2⌉). */
  channels: number;
  /** Channels of condition 0, concatenated to the subnet input; 0 for an unconditional block. */
  condChannels: number;
  /** Soft-clamp bound α of the log-scale (MSFlow: 1.9). */
  clamp: number;
  /** The fixed channel permutation applied last: out[..., j] = in[..., permutation[j]]. */
  permutation: readonly number[];
  /** Global scale γ at initialisation (FrEIA default 1). */
  globalAffineInit?: number;
}

/** The subnet's coefficients are scaled by this before use (old FrEIA `_affine`). */
const PRE_SCALE = 0.1;
/** γ = 0.1·softplus_β(ĝ) with β = 0.5 (FrEIA's SOFTPLUS global affine). */
const SOFTPLUS_BETA = 0.5;

/**
 * FrEIA's AllInOneBlock with the semantics MSFlow ran (FrEIA before 2023-06, spec §3.3):
 *
 * 1. u_a = first ⌈C/2⌉ channels (passive), u_b = the rest;
 * 2. a = 0.1·subnet(concat(u_a, condition)), subnet = conv3x3 → LN → ReLU → conv3x3 with hidden
 *    width ⌈C/2⌉ + condChannels; s_raw, t = the two halves of a;
 * 3. σ = α·tanh(s_raw) (the old clamp, slope 0.1·α at the origin), v_b = u_b·e^σ + t;
 * 4. w = Perm(γ ⊙ v + β), γ = 0.1·softplus_{β=0.5}(ĝ) per channel;
 * 5. log|det| = Σ σ + H·W·Σ_c ln γ_c.
 *
 * Parameters: `${name}.subnet.conv1|ln|conv2.{weight,bias}`, `${name}.global_scale` (ĝ, the
 * pre-activation) and `${name}.global_offset` (β), both [C].
 *
 * @example
 * ```ts
 * const block = new AllInOneBlock('flow0.0', { channels: 256, condChannels: 64, clamp: 1.9, permutation: rng.permutation(256) });
 * const { outputs: [w], logDet } = block.forward([u], [pe], params);
 * ```
 */
export class AllInOneBlock implements InvertibleModule {
  readonly arity = 1;
  private readonly passive: number;
  private readonly active: number;
  private readonly perm: readonly number[];
  private readonly inverse: readonly number[];

  constructor(
    readonly name: string,
    readonly options: AllInOneOptions,
  ) {
    const { channels, condChannels, clamp } = options;
    if (!Number.isInteger(channels) || channels < 2) throw new Error(`${name}: AllInOne needs at least 2 channels, got ${channels}`);
    if (!Number.isInteger(condChannels) || condChannels < 0) throw new Error(`${name}: condChannels must be a non-negative integer`);
    if (!(clamp > 0)) throw new Error(`${name}: clamp must be positive, got ${clamp}`);
    assertPermutation(options.permutation, channels, name);
    this.active = Math.floor(channels / 2);
    this.passive = channels - this.active;
    this.perm = [...options.permutation];
    this.inverse = invertPermutation(this.perm);
  }

  /** ĝ such that γ = 0.1·2·ln(1 + e^(ĝ/2)) equals `gamma`: 2·ln(e^(5γ) − 1). */
  static globalScaleInit(gamma: number): number {
    return 2 * Math.log(Math.expm1(gamma / (PRE_SCALE / SOFTPLUS_BETA)));
  }

  /** Hidden width of the subnet: its input width, ⌈C/2⌉ + condChannels. */
  get hidden(): number {
    return this.passive + this.options.condChannels;
  }

  paramSpecs(): ParamSpec[] {
    const c = this.options.channels;
    return [
      ...convLnReluConvSpecs(`${this.name}.subnet`, this.hidden, this.hidden, 2 * this.active),
      {
        name: `${this.name}.global_scale`,
        shape: [c],
        init: { kind: 'constant', value: AllInOneBlock.globalScaleInit(this.options.globalAffineInit ?? 1) },
      },
      { name: `${this.name}.global_offset`, shape: [c], init: { kind: 'constant', value: 0 } },
    ];
  }

  forward(inputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    const u = this.checked(inputs);
    const [ua, ub] = splitLast(u, [this.passive, this.active]);
    const { sigma, t } = this.coefficients(ua, conditions, params);
    const v = concat([ua, add(mul(ub, exp(sigma)), t)], -1);
    const { gamma, beta } = this.globalAffine(params);
    const w = gather(add(mul(v, gamma), beta), this.perm, 3);
    return { outputs: [w], logDet: this.logDet(sigma, gamma, u) };
  }

  reverse(outputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    const w = this.checked(outputs);
    const { gamma, beta } = this.globalAffine(params);
    const v = div(sub(gather(w, this.inverse, 3), beta), gamma);
    const [ua, vb] = splitLast(v, [this.passive, this.active]);
    const { sigma, t } = this.coefficients(ua, conditions, params);
    const u = concat([ua, mul(sub(vb, t), exp(neg(sigma)))], -1);
    return { outputs: [u], logDet: neg(this.logDet(sigma, gamma, w)) };
  }

  private checked(xs: readonly Tensor[]): Tensor {
    checkInputs(this.name, xs, 1);
    const x = xs[0];
    if (x.shape[3] !== this.options.channels) {
      throw new Error(`${this.name}: expects ${this.options.channels} channels, got [${x.shape.join(',')}]`);
    }
    return x;
  }

  private coefficients(ua: Tensor, conditions: readonly Tensor[], params: ParamMap): { sigma: Tensor; t: Tensor } {
    let input = ua;
    if (this.options.condChannels > 0) {
      const c = conditions[0];
      if (!c || c.rank !== 4 || c.shape[3] !== this.options.condChannels || c.shape.slice(0, 3).some((d, i) => d !== ua.shape[i])) {
        throw new Error(
          `${this.name}: condition 0 must be [${[...ua.shape.slice(0, 3), this.options.condChannels].join(',')}], ` +
            `got ${c ? `[${c.shape.join(',')}]` : 'none'}`,
        );
      }
      input = concat([ua, c], -1);
    }
    const a = mul(convLnReluConv(input, params, `${this.name}.subnet`), PRE_SCALE);
    const [sRaw, t] = splitLast(a, [this.active, this.active]);
    return { sigma: mul(tanh(sRaw), this.options.clamp), t };
  }

  private globalAffine(params: ParamMap): { gamma: Tensor; beta: Tensor } {
    const c = this.options.channels;
    const g = param(params, `${this.name}.global_scale`, [c]);
    return { gamma: mul(softplusBeta(g, SOFTPLUS_BETA), PRE_SCALE), beta: param(params, `${this.name}.global_offset`, [c]) };
  }

  private logDet(sigma: Tensor, gamma: Tensor, x: Tensor): Tensor {
    const pixels = x.shape[1] * x.shape[2];
    return add(sum(sigma, [1, 2, 3]), reshape(mul(sum(log(gamma)), pixels), [1]));
  }
}
