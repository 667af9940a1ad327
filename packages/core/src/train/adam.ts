import { dispose, keep, tidy } from '../engine/engine.js';
import type { NamedArray } from '../io/safetensors.js';
import { tensor, zeros } from '../ops/creation.js';
import { add, div, mul, sqrt, square, sub, type Operand } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';

/** Adam hyper-parameters (no weight decay: MSFlow uses none). */
export interface AdamOptions {
  betas: readonly [number, number];
  eps: number;
}

/** Adam moments for checkpoints: `step` plus first and second moments, in parameter order. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * The two step-dependent scalars of Adam's update at step `t` (1-based): the bias-corrected
 * step size lr/(1−β₁ᵗ) and √(1−β₂ᵗ). Computed in float64 once per step, so eager and traced
 * trainers feed the same values.
 *
 * @example
 * ```ts
 * const { stepSize, bc2Sqrt } = adamScalars(1e-4, 1, [0.9, 0.999]); // 1e-3, √0.001
 * ```
 */
export function adamScalars(lr: number, t: number, betas: readonly [number, number]): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: lr / (1 - Math.pow(betas[0], t)), bc2Sqrt: Math.sqrt(1 - Math.pow(betas[1], t)) };
}

/**
 * One parameter's Adam update in core ops: returns [p', m', v']. The scalars may be tensors,
 * so a traced program can take them as inputs instead of baking one step's values in.
 *
 * @example
 * ```ts
 * const [p1, m1, v1] = adamUpdate(p, g, m, v, { betas: [0.9, 0.999], eps: 1e-8 }, adamScalars(lr, t, [0.9, 0.999]));
 * ```
 */
export function adamUpdate(
  p: Tensor,
  g: Tensor,
  m: Tensor,
  v: Tensor,
  options: AdamOptions,
  scalars: { stepSize: Operand; bc2Sqrt: Operand },
): [Tensor, Tensor, Tensor] {
  const [b1, b2] = options.betas;
  const m1 = add(mul(m, b1), mul(g, 1 - b1));
  const v1 = add(mul(v, b2), mul(square(g), 1 - b2));
  const denom = add(div(sqrt(v1), scalars.bc2Sqrt), options.eps);
  return [sub(p, mul(div(m1, denom), scalars.stepSize)), m1, v1];
}

/**
 * Adam moments as named arrays `prefix.m.<name>` / `prefix.v.<name>` (the checkpoint layout).
 *
 * @example
 * ```ts
 * const named = namedAdamState(await trainer.optimizerState(), shapes, names, 'adam');
 * ```
 */
export function namedAdamState(state: AdamState, shapes: readonly (readonly number[])[], names: readonly string[], prefix = 'adam'): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  names.forEach((n, i) => {
    out.set(`${prefix}.m.${n}`, { shape: [...shapes[i]], data: state.m[i] });
    out.set(`${prefix}.v.${n}`, { shape: [...shapes[i]], data: state.v[i] });
  });
  return out;
}

/**
 * Adam with PyTorch's update rule, written in core ops so every backend can train:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
 * The moments are tensors owned by the optimizer.
 *
 * @example
 * ```ts
 * const adam = new Adam(model.paramTensors().map((p) => p.shape), { betas: [0.9, 0.999], eps: 1e-8 });
 * model.setParams(adam.update(model.paramTensors(), grads, 1e-4));
 * ```
 */
export class Adam {
  private stepCount = 0;
  private m: Tensor[];
  private v: Tensor[];

  constructor(
    readonly shapes: readonly (readonly number[])[],
    readonly options: AdamOptions,
    state?: AdamState,
  ) {
    if (state) {
      if (state.m.length !== shapes.length || state.v.length !== shapes.length) {
        throw new Error(`Adam: state has ${state.m.length}/${state.v.length} moments for ${shapes.length} parameters`);
      }
      this.stepCount = state.step;
      this.m = state.m.map((a, i) => keep(tensor(a, shapes[i])));
      this.v = state.v.map((a, i) => keep(tensor(a, shapes[i])));
    } else {
      this.m = shapes.map((s) => keep(zeros(s)));
      this.v = shapes.map((s) => keep(zeros(s)));
    }
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /**
   * One step: returns the new parameters (kept; the caller owns them and disposes the old ones)
   * and replaces the moments.
   */
  update(params: readonly Tensor[], grads: readonly Tensor[], lr: number): Tensor[] {
    if (params.length !== this.m.length || grads.length !== this.m.length) {
      throw new Error(`Adam.update: ${params.length} parameters and ${grads.length} gradients for ${this.m.length} slots`);
    }
    const scalars = adamScalars(lr, this.stepCount + 1, this.options.betas);
    const out = tidy(() => params.map((p, i) => adamUpdate(p, grads[i], this.m[i], this.v[i], this.options, scalars)));
    this.commit(out.map((o) => o[1]), out.map((o) => o[2]));
    return out.map((o) => keep(o[0]));
  }

  /** The current moments (owned by the optimizer), for a step computed elsewhere. */
  get moments(): { m: readonly Tensor[]; v: readonly Tensor[] } {
    return { m: this.m, v: this.v };
  }

  /** Takes the moments of a step computed elsewhere (ownership moves here) and counts the step. */
  commit(m: readonly Tensor[], v: readonly Tensor[]): void {
    if (m.length !== this.m.length || v.length !== this.v.length) throw new Error(`Adam.commit: ${m.length}/${v.length} moments for ${this.m.length} slots`);
    dispose([this.m, this.v]);
    this.m = m.map((t) => keep(t));
    this.v = v.map((t) => keep(t));
    this.stepCount++;
  }

  /** Downloads the moments (float32) for a checkpoint. */
  async state(): Promise<AdamState> {
    const read = async (t: Tensor) => {
      const d = await t.data();
      return d instanceof Float32Array ? d : Float32Array.from(d);
    };
    return { step: this.stepCount, m: await Promise.all(this.m.map(read)), v: await Promise.all(this.v.map(read)) };
  }

  /** Moments as named arrays `prefix.m.<name>` / `prefix.v.<name>` (for safetensors). */
  async namedState(names: readonly string[], prefix = 'adam'): Promise<Map<string, NamedArray>> {
    return namedAdamState(await this.state(), this.shapes, names, prefix);
  }

  /** Frees the moments. */
  dispose(): void {
    dispose([this.m, this.v]);
    this.m = [];
    this.v = [];
  }
}
