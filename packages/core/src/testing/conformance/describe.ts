import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../backend/backend.js';
import { engine, getBackend, setBackend } from '../../engine/engine.js';
import { KERNEL_NAMES, type KernelName } from '../../kernels/kernel_names.js';
import type { Tolerance } from '../assert.js';
import { missingForwardCases, missingGradientCases } from './coverage.js';
import { DEFAULT_SEED, forwardCasesOf } from './forward_cases.js';
import { gradientCases } from './gradient_cases.js';
import { runForwardCase, runGradientCase } from './run.js';
import { FLOAT64_FORWARD, FLOAT64_GRADIENT, scaled } from './tolerances.js';
import type { ForwardCase, GradientCase } from './types.js';

/** How a backend package runs the suite. */
export interface ConformanceOptions {
  /** Shown in test titles, e.g. `tfjs wasm`. */
  name: string;
  /** Starts the backend under test (called once, in `beforeAll`). */
  create: () => Backend | Promise<Backend>;
  /**
   * What this backend cannot match, and why. Keys: a kernel name (its forward and gradient
   * cases), `grad:<Kernel>` (its gradient cases only) or a case id such as `Conv2D/groups2`.
   * Every entry is printed, and appears in the skipped test's title; an entry that matches no
   * case fails the suite (so stale entries do not linger).
   */
  skip?: Readonly<Record<string, string>>;
  /**
   * Multipliers on the stated tolerances, per kernel or `*` for all, e.g. `{ Atan: 8 }` for a
   * GPU whose atan is only specified to 4096 ulp. Each one is printed.
   */
  tolerances?: Readonly<Partial<Record<KernelName | '*', number>>>;
  /** Seed of the random inputs (default {@link DEFAULT_SEED}). */
  seed?: number;
  /** Dispose the backend after the suite (default true). */
  disposeBackend?: boolean;
}

/**
 * Registers the conformance suite with vitest: every declared kernel's forward cases against
 * the float64 reference, every differentiable kernel's gradient against float64 finite
 * differences, coverage checks that fail when a kernel or gradient has no case, and a leak
 * check per case. Call it at the top level of a backend package's test file.
 *
 * A float64 backend is held to float64 accuracy ({@link FLOAT64_FORWARD}, {@link FLOAT64_GRADIENT})
 * instead of the stated float32 tolerances.
 *
 * @example
 * ```ts
 * import { describeConformance } from '@msflow/core/testing';
 * describeConformance({
 *   name: 'tfjs wasm',
 *   create: () => createTfjsBackend({ prefer: ['wasm'] }),
 *   skip: { 'Conv2DBackpropFilter': 'composed from im2col + matmul; checked in kernels.wasm.test.ts' },
 * });
 * ```
 */
export function describeConformance(options: ConformanceOptions): void {
  const seed = options.seed ?? DEFAULT_SEED;
  const skip = options.skip ?? {};
  const scales = options.tolerances ?? {};
  const tag = `[conformance ${options.name}]`;
  for (const [key, reason] of Object.entries(skip)) console.warn(`${tag} skipping ${key}: ${reason}`);
  for (const [key, scale] of Object.entries(scales)) console.warn(`${tag} tolerance of ${key} multiplied by ${scale}`);

  const byKernel = KERNEL_NAMES.map((k) => [k, forwardCasesOf(k, seed) as ForwardCase[]] as const);
  const grads = gradientCases(seed);
  const skipReason = (c: ForwardCase | GradientCase): string | undefined =>
    skip[c.id] ?? skip[c.kernel] ?? ('wrt' in c ? skip[`grad:${c.kernel}`] : undefined);
  const scaleOf = (k: KernelName): number => scales[k] ?? scales['*'] ?? 1;

  let backend: Backend | undefined;
  let previous: Backend | undefined;
  let float64 = false;
  const tolerance = (c: ForwardCase, gradient: boolean): Tolerance =>
    scaled(float64 ? (gradient ? FLOAT64_GRADIENT : FLOAT64_FORWARD) : c.tolerance, scaleOf(c.kernel));

  const register = (c: ForwardCase | GradientCase) => {
    const reason = skipReason(c);
    if (reason !== undefined) it.skip(`${c.id} (skipped: ${reason})`, () => undefined);
    else it(c.id, () => ('wrt' in c ? runGradientCase(c, tolerance(c, true)) : runForwardCase(c, tolerance(c, false))));
  };

  describe(`conformance: ${options.name}`, () => {
    beforeAll(async () => {
      previous = engine.hasBackend() ? getBackend() : undefined;
      backend = await options.create();
      float64 = backend.info().precision === 'float64';
      setBackend(backend);
    });
    afterAll(() => {
      if (previous) setBackend(previous);
      if (backend && options.disposeBackend !== false) backend.dispose();
    });

    it('has forward cases for every declared kernel', () => {
      expect(missingForwardCases(), 'kernels in KERNEL_NAMES without a conformance case').toEqual([]);
    });
    it('has gradient cases for every differentiable kernel', () => {
      expect(missingGradientCases(), 'kernels in GRADIENTS without a gradient case').toEqual([]);
    });
    it('has unique case ids, and skip and tolerance entries that match kernels or cases', () => {
      const ids = [...byKernel.flatMap(([, cs]) => cs.map((c) => c.id)), ...grads.map((c) => c.id)];
      expect(ids.length, 'duplicate case ids').toBe(new Set(ids).size);
      const known = new Set<string>([...ids, ...KERNEL_NAMES, ...KERNEL_NAMES.map((k) => `grad:${k}`)]);
      expect(Object.keys(skip).filter((key) => !known.has(key)), 'skip entries matching no kernel or case').toEqual([]);
      const kernels = new Set<string>([...KERNEL_NAMES, '*']);
      expect(Object.keys(scales).filter((key) => !kernels.has(key)), 'tolerance entries naming no kernel').toEqual([]);
    });

    describe('forward', () => {
      for (const [kernel, cases] of byKernel) describe(kernel, () => cases.forEach(register));
    });
    describe('gradients', () => {
      grads.forEach(register);
    });
  });
}
