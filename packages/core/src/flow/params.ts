/**
 * Parameter declarations kept apart from their storage: a module states each parameter's name,
 * shape and initialiser, and only {@link initParams} allocates. Counting parameters and
 * validating checkpoints therefore need no tensor memory, even for the 99.6 M-parameter preset.
 */
import { tensor } from '../ops/creation.js';
import type { Rng } from '../random/rng.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep } from '../engine/engine.js';

/** How a parameter starts: U(-bound, bound) drawn from the model's Rng, or a constant. */
export type ParamInit = { readonly kind: 'uniform'; readonly bound: number } | { readonly kind: 'constant'; readonly value: number };

/** One trainable parameter: a unique dotted name, its shape (HWIO for conv filters) and its initialiser. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

/** Parameter values by name, as modules read them. */
export type ParamMap = ReadonlyMap<string, Tensor>;

/** Thrown when a module asks for a parameter that the map lacks or holds with another shape. */
export class ParamError extends Error {
  override name = 'ParamError';
}

/**
 * Specs of a convolution with bias, PyTorch-default initialised: both weight and bias are
 * U(±1/√fan_in), which is what kaiming_uniform(a=√5) reduces to.
 *
 * @example
 * ```ts
 * convSpecs('subnet.conv1', 3, 192, 192); // [3,3,192,192] weight + [192] bias
 * ```
 */
export function convSpecs(name: string, kernel: number, inChannels: number, outChannels: number): ParamSpec[] {
  const bound = 1 / Math.sqrt(inChannels * kernel * kernel);
  return [
    { name: `${name}.weight`, shape: [kernel, kernel, inChannels, outChannels], init: { kind: 'uniform', bound } },
    { name: `${name}.bias`, shape: [outChannels], init: { kind: 'uniform', bound } },
  ];
}

/**
 * Specs of a LayerNorm's affine parameters (PyTorch default: weight 1, bias 0).
 *
 * @example
 * ```ts
 * layerNormSpecs('subnet.ln', 192); // weight [192] = 1, bias [192] = 0
 * ```
 */
export function layerNormSpecs(name: string, channels: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [channels], init: { kind: 'constant', value: 1 } },
    { name: `${name}.bias`, shape: [channels], init: { kind: 'constant', value: 0 } },
  ];
}

/** Total number of scalars in `specs`. */
export function countParams(specs: readonly ParamSpec[]): number {
  return specs.reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Throws naming the first duplicated parameter name. */
export function assertUniqueNames(specs: readonly ParamSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new ParamError(`parameter ${s.name} is declared twice`);
    seen.add(s.name);
  }
}

/** Draws the initial values of one spec; uniform specs consume the Rng, constants do not. */
export function initArray(spec: ParamSpec, rng: Rng): Float32Array {
  const n = sizeOf(spec.shape);
  if (spec.init.kind === 'constant') return new Float32Array(n).fill(spec.init.value);
  return rng.uniformArray(n, -spec.init.bound, spec.init.bound);
}

/**
 * Allocates every parameter, in spec order so that one seed always gives the same values. The
 * tensors are kept (they outlive any tidy scope) and belong to the caller.
 *
 * @example
 * ```ts
 * const params = initParams(module.paramSpecs(), new Rng(9826));
 * ```
 */
export function initParams(specs: readonly ParamSpec[], rng: Rng): Map<string, Tensor> {
  assertUniqueNames(specs);
  const out = new Map<string, Tensor>();
  for (const s of specs) out.set(s.name, keep(tensor(initArray(s, rng), s.shape)));
  return out;
}

/**
 * Looks a parameter up, failing with its name and the expected shape when it is missing or wrong.
 *
 * @example
 * ```ts
 * const w = param(params, 'fusion.phi1.s0.weight', [3, 3, 128, 128]);
 * ```
 */
export function param(params: ParamMap, name: string, shape?: readonly number[]): Tensor {
  const t = params.get(name);
  if (!t) throw new ParamError(`parameter ${name} is missing`);
  if (shape && (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ParamError(`parameter ${name} has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  return t;
}
