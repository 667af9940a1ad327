// Shared fixtures of the MSFlow tests: tiny configs, a float32-rounding reference backend,
// numerical Jacobians and log-determinants in float64.
import {
  keep,
  Rng,
  sizeOf,
  tensor,
  type Backend,
  type FeatureSet,
  type MSFlowModel,
  type ParamSpec,
  type Tensor,
} from '@msflow/core';
import { createReferenceBackend } from '@msflow/core/testing';

/** The tiny model and features of the cross-backend checks, shared through `@msflow/core/testing`. */
export { tinyMSFlowConfig as tinyConfig, TINY_FEATURE_SIZES as TINY_SIZES, randomFeatureSet } from '@msflow/core/testing';

/** Feature tensors of one batch (images 0..n-1) of a feature set. */
export function featureTensors(set: FeatureSet, n = set.count): Tensor[] {
  return set.scales.map((s) => tensor(s.data.subarray(0, n * s.shape[0] * s.shape[1] * s.shape[2]), [n, ...s.shape]));
}

/**
 * Replaces every parameter with random values around its init, so that no term of the log-det
 * hides behind a neutral initialisation (γ = 1, β = 0, LN weight 1).
 */
export function randomizeParams(model: MSFlowModel, seed: number, spread = 0.5): void {
  const map = randomParamMap(model.specs, seed, spread);
  model.setParams(model.specs.map((s) => map.get(s.name)!));
}

/** Random values for `specs`: uniform ones over twice their init range, constants ± `spread`. */
export function randomParamMap(specs: readonly ParamSpec[], seed: number, spread = 0.5): Map<string, Tensor> {
  const rng = new Rng(seed);
  return new Map(
    specs.map((s) => {
      const n = sizeOf(s.shape);
      const base = s.init.kind === 'constant' ? s.init.value : 0;
      const width = s.init.kind === 'uniform' ? s.init.bound * 2 : spread;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = base + (rng.uniform() - 0.5) * 2 * width;
      return [s.name, keep(tensor(data, s.shape))];
    }),
  );
}

/**
 * Central-difference Jacobian of f: R^n → R^m at x (row i = ∂f_i/∂x), in float64.
 */
export function numericJacobian(f: (x: Float64Array) => Float64Array, x: Float64Array, eps = 1e-6): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    x[j] = v + eps;
    const up = f(x);
    x[j] = v - eps;
    const down = f(x);
    x[j] = v;
    cols.push(up.map((u, i) => (u - down[i]) / (2 * eps)));
  }
  const m = cols[0].length;
  return Array.from({ length: m }, (_, i) => Float64Array.from(cols, (c) => c[i]));
}

/** log|det A| by LU decomposition with partial pivoting (A is copied). */
export function logAbsDet(rows: readonly Float64Array[]): number {
  const n = rows.length;
  const a = rows.map((r) => Float64Array.from(r));
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    const pivot = a[k][k];
    if (pivot === 0) return -Infinity;
    logDet += Math.log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / pivot;
      if (f !== 0) for (let j = k; j < n; j++) a[i][j] -= f * a[k][j];
    }
  }
  return logDet;
}

/** Flattens several arrays into one Float64Array. */
export function flat(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, o);
    o += p.length;
  }
  return out;
}

/**
 * The reference backend with every stored value rounded to float32, like a real float32 backend:
 * then a checkpoint (float32) captures the state exactly and resume tests can demand bit equality.
 */
export function createFloat32ReferenceBackend(): Backend {
  return createReferenceBackend({ float32: true });
}
