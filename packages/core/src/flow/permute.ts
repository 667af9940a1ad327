import { zeros } from '../ops/creation.js';
import { gather } from '../ops/layout.js';
import type { Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInputs, type FlowResult, type InvertibleModule } from './module.js';
import type { ParamMap, ParamSpec } from './params.js';
import { assertPermutation, invertPermutation } from './permutation.js';

/**
 * A fixed channel permutation (FrEIA's PermuteRandom): out[..., j] = in[..., permutation[j]].
 * No parameters, log-det 0. The indices are part of the model and travel in the checkpoint
 * sidecar, because they are not trainable.
 *
 * @example
 * ```ts
 * const p = PermuteRandom.draw('fusion.perm0', 256, rng);
 * const { outputs: [y] } = p.forward([x], [], new Map());
 * ```
 */
export class PermuteRandom implements InvertibleModule {
  readonly arity = 1;
  readonly permutation: readonly number[];
  private readonly inverse: readonly number[];

  constructor(
    readonly name: string,
    permutation: readonly number[],
  ) {
    assertPermutation(permutation, permutation.length, name);
    this.permutation = [...permutation];
    this.inverse = invertPermutation(this.permutation);
  }

  /** A permutation of `channels` drawn from `rng`. */
  static draw(name: string, channels: number, rng: Rng): PermuteRandom {
    return new PermuteRandom(name, rng.permutation(channels));
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  forward(inputs: readonly Tensor[], _conditions: readonly Tensor[], _params: ParamMap): FlowResult {
    return this.apply(inputs, this.permutation);
  }

  reverse(outputs: readonly Tensor[], _conditions: readonly Tensor[], _params: ParamMap): FlowResult {
    return this.apply(outputs, this.inverse);
  }

  private apply(xs: readonly Tensor[], indices: readonly number[]): FlowResult {
    const n = checkInputs(this.name, xs, 1);
    const x = xs[0];
    if (x.shape[3] !== indices.length) throw new Error(`${this.name}: expects ${indices.length} channels, got [${x.shape.join(',')}]`);
    return { outputs: [gather(x, indices, 3)], logDet: zeros([n]) };
  }
}
