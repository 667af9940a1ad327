import { dispose, keep, tidy } from '../engine/engine.js';
import type { NamedArray } from '../io/safetensors.js';
import { tensor, zeros } from '../ops/creation.js';
import { add, div, mul, sqrt, square, sub } from '../ops/elementwise.js';
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
    const [b1, b2] = this.options.betas;
    const t = this.stepCount + 1;
    const stepSize = lr / (1 - Math.pow(b1, t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
    const out = tidy(() =>
      params.map((p, i) => {
        const g = grads[i];
        const m = add(mul(this.m[i], b1), mul(g, 1 - b1));
        const v = add(mul(this.v[i], b2), mul(square(g), 1 - b2));
        const denom = add(div(sqrt(v), bc2Sqrt), this.options.eps);
        return [sub(p, mul(div(m, denom), stepSize)), m, v];
      }),
    );
    dispose([this.m, this.v]);
    this.m = out.map((o) => keep(o[1]));
    this.v = out.map((o) => keep(o[2]));
    this.stepCount = t;
    return out.map((o) => keep(o[0]));
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
    const s = await this.state();
    const out = new Map<string, NamedArray>();
    names.forEach((n, i) => {
      out.set(`${prefix}.m.${n}`, { shape: [...this.shapes[i]], data: s.m[i] });
      out.set(`${prefix}.v.${n}`, { shape: [...this.shapes[i]], data: s.v[i] });
    });
    return out;
  }

  /** Frees the moments. */
  dispose(): void {
    dispose([this.m, this.v]);
    this.m = [];
    this.v = [];
  }
}
