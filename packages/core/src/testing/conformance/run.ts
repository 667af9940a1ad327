import { valueAndGrads } from '../../autodiff/grad.js';
import { dispose, engine } from '../../engine/engine.js';
import { KERNEL_INPUTS, type KernelName } from '../../kernels/kernel_names.js';
import { tensor } from '../../ops/creation.js';
import { mul } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduce.js';
import { Rng } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { assertClose, assertShape, type Tolerance } from '../assert.js';
import { numericGradient, weightedSum } from '../finite_diff.js';
import { randomArray } from '../random.js';
import type { RefArray } from '../reference/array.js';
import { runReference } from '../reference/kernels.js';
import { FD_EPSILON, sumTolerance } from './tolerances.js';
import { kernelSeed } from './forward_cases.js';
import type { ForwardCase, GradientCase } from './types.js';

const upload = (a: RefArray): Tensor => tensor(Float32Array.from(a.data), a.shape);
const copy = (a: RefArray): RefArray => ({ shape: [...a.shape], data: Float64Array.from(a.data) });

/** Name of input `i` of a kernel, for messages. */
function inputName(kernel: KernelName, i: number): string {
  const names = KERNEL_INPUTS[kernel];
  return names[0] === 'xs*' ? `xs[${i}]` : (names[i] ?? `input ${i}`).replace('?', '');
}

function checkNoLeak(id: string, baseline: number): void {
  const now = engine.numTensors();
  if (now !== baseline) throw new Error(`${id}: ${now - baseline} tensor(s) left alive (${baseline} before, ${now} after)`);
}

/**
 * Runs one forward case on the active backend and throws unless its output matches the float64
 * reference in shape and, within `tolerance`, in value.
 */
export async function runForwardCase<K extends KernelName>(c: ForwardCase<K>, tolerance: Tolerance = c.tolerance): Promise<void> {
  const baseline = engine.numTensors();
  const xs = c.inputs.map(upload);
  try {
    const want = runReference(c.kernel, c.inputs, c.attrs);
    const y = engine.runKernel(c.kernel, xs, c.attrs);
    xs.push(y);
    assertShape(y.shape, want.shape, c.id);
    assertClose(await y.data(), want.data, tolerance, c.id);
  } finally {
    dispose(xs);
  }
  checkNoLeak(c.id, baseline);
}

/**
 * Runs one gradient case: L = Σ kernel(inputs)·R with a fixed random R (seeded by the case id).
 * The backend computes L and its gradients with core autodiff; the reference gives L and float64
 * central differences. Also checks that autodiff leaves no tensor behind.
 */
export async function runGradientCase<K extends KernelName>(c: GradientCase<K>, tolerance: Tolerance = c.tolerance): Promise<void> {
  const forward = runReference(c.kernel, c.inputs, c.attrs);
  const r = randomArray(new Rng(kernelSeed(0, c.id)), forward.shape);
  const baseline = engine.numTensors();
  const xs = c.inputs.map(upload);
  const rt = upload(r);
  const owned: Tensor[] = [...xs, rt];
  try {
    const before = engine.numTensors();
    const { value, grads } = valueAndGrads(() => sum(mul(engine.runKernel(c.kernel, xs, c.attrs), rt)), c.wrt.map((i) => xs[i]));
    owned.push(value, ...grads);
    const results = new Set([value, ...grads]).size;
    if (engine.numTensors() !== before + results) {
      throw new Error(`${c.id}: valueAndGrads left ${engine.numTensors() - before - results} intermediate tensor(s) alive`);
    }
    const loss = (inputs: readonly RefArray[]) => weightedSum(runReference(c.kernel, inputs, c.attrs).data, r.data);
    const peak = forward.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    assertClose([await value.item()], [loss(c.inputs)], sumTolerance(r.data.length, peak), `${c.id} value`);
    const probe = c.inputs.map(copy);
    for (const [k, i] of c.wrt.entries()) {
      const label = `${c.id} d/d${inputName(c.kernel, i)}`;
      assertShape(grads[k].shape, c.inputs[i].shape, label);
      assertClose(await grads[k].data(), numericGradient(loss, probe, i, FD_EPSILON), tolerance, label);
    }
  } finally {
    dispose(owned);
  }
  checkNoLeak(c.id, baseline);
}
