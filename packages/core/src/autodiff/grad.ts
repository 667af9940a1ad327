import { engine, tidy } from '../engine/engine.js';
import { add } from '../ops/elementwise.js';
import { ones, zeros } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { ZERO_GRADIENT, entryGradients } from './gradients.js';

/** Result of {@link valueAndGrads}: the scalar value and one gradient per `wrt` tensor. */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

/**
 * Evaluates a scalar function and its gradients with respect to `wrt` by reverse-mode
 * autodiff over the kernels it runs. Intermediate tensors are freed before returning.
 *
 * @example
 * ```ts
 * const { value, grads } = valueAndGrads(() => sum(square(mul(w, x))), [w]);
 * ```
 */
export function valueAndGrads(f: () => Tensor, wrt: readonly Tensor[]): ValueAndGrads {
  return tidy(() => {
    const tape = engine.startTape(wrt);
    try {
      const value = f();
      if (value.size !== 1) {
        throw new Error(`valueAndGrads: the function must return a single value, got shape [${value.shape.join(',')}]`);
      }
      const grads = new Map<number, Tensor>();
      grads.set(value.id, ones(value.shape));
      for (let i = tape.entries.length - 1; i >= 0; i--) {
        const entry = tape.entries[i];
        const dy = grads.get(entry.output.id);
        if (!dy || ZERO_GRADIENT.has(entry.kernel)) continue;
        const present = entry.inputs.filter((t): t is Tensor => t !== undefined);
        const dxs = entryGradients(entry, dy);
        present.forEach((x, j) => {
          const dx = dxs[j];
          if (!dx || !tape.tracked.has(x.id)) return;
          const prev = grads.get(x.id);
          grads.set(x.id, prev ? add(prev, dx) : dx);
        });
      }
      // The same tensor can reach two inputs (both operands of an add, or a repeated `wrt`
      // entry); every returned gradient is the caller's to dispose, so duplicates are copied.
      const returned = new Set<Tensor>([value]);
      const out = wrt.map((w) => {
        let g = grads.get(w.id) ?? zeros(w.shape);
        if (returned.has(g)) g = engine.runKernel('Reshape', [g], { shape: [...g.shape] });
        returned.add(g);
        return g;
      });
      return { value, grads: out };
    } finally {
      engine.endTape(tape);
    }
  });
}

/**
 * Returns a function computing the gradients of scalar `f` with respect to its inputs.
 *
 * @example
 * ```ts
 * const df = grad((x) => sum(square(x)));
 * const g = df(x); // 2x
 * ```
 */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  return (...xs) => {
    const { value, grads } = valueAndGrads(() => f(...xs), xs);
    value.dispose();
    return grads;
  };
}
