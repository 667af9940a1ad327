// The shell every backend shares: accounting, output checks, disposal, and joining kernel tables.
import { describe, expect, it } from 'vitest';
import {
  KERNEL_NAMES, KernelBackend, joinKernels, kernelFamily, type BackendInfo, type BackendKernel, type BackendKernels, type FloatArray, type KernelName,
} from '@msflow/core';

interface Value {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** A backend whose every kernel is `kernel` (enough to exercise the shell). */
class TestBackend extends KernelBackend<Value> {
  freed = 0;

  constructor(kernel: BackendKernel<KernelName, Value>) {
    super('test', kernelFamily(KERNEL_NAMES, () => kernel) as BackendKernels<Value>);
  }

  protected upload(values: FloatArray, shape: readonly number[]): Value {
    return { data: Float32Array.from(values), shape };
  }

  protected async download(v: Value): Promise<FloatArray> {
    return v.data.slice();
  }

  protected free(): void {
    this.freed++;
  }

  protected shapeOf(v: Value): readonly number[] {
    return v.shape;
  }

  info(): BackendInfo {
    return { name: this.name, detail: 'test', precision: 'float32', concrete: true };
  }
}

const negate: BackendKernel<KernelName, Value> = ({ inputs: [x], outShape }) => ({ data: x.data.map((v) => -v), shape: outShape });

describe('KernelBackend', () => {
  it('runs kernels on its own values and counts what is alive', async () => {
    const b = new TestBackend(negate);
    const x = b.write(Float32Array.of(1, -2), [2]);
    const y = b.kernels.Neg!({ inputs: [{ dataId: x, shape: [2] }], attrs: {}, outShape: [2] });
    expect(Array.from(await b.read(y, [2]))).toEqual([-1, 2]);
    expect(b.liveTensors()).toBe(2);
    expect(b.memory()).toEqual({ bytes: 16, buffers: 2 });
    b.disposeData(x);
    b.disposeData(x); // a second dispose is a no-op
    expect([b.liveTensors(), b.freed]).toEqual([1, 1]);
    expect(() => b.kernels.Neg!({ inputs: [{ dataId: x, shape: [2] }], attrs: {}, outShape: [2] })).toThrow(/test: tensor data was already disposed/);
    b.dispose();
    expect([b.liveTensors(), b.freed]).toEqual([0, 2]);
  });

  it('refuses an output of the wrong shape (freeing it) and an input handed back as the output', () => {
    const wrong = new TestBackend(({ inputs: [x] }) => ({ data: x.data, shape: [x.data.length, 1] }));
    const x = wrong.write(Float32Array.of(1, 2), [2]);
    expect(() => wrong.kernels.Exp!({ inputs: [{ dataId: x, shape: [2] }], attrs: {}, outShape: [2] })).toThrow('Exp: test produced shape [2,1], expected [2]');
    expect(wrong.freed).toBe(1);
    const same = new TestBackend(({ inputs: [x] }) => x);
    const y = same.write(Float32Array.of(1), [1]);
    expect(() => same.kernels.Relu!({ inputs: [{ dataId: y, shape: [1] }], attrs: {}, outShape: [1] })).toThrow(/Relu: the test kernel returned one of its inputs/);
  });

  it('checks what it is given to write, and reads synchronously only where the backend can', () => {
    const b = new TestBackend(negate);
    expect(() => b.write(Float32Array.of(1, 2, 3), [2])).toThrow('test: 3 values do not fill shape [2]');
    const x = b.write(Float32Array.of(1), [1]);
    expect(() => b.readSync(x, [1])).toThrow('backend test cannot read synchronously; use await tensor.data()');
  });
});

describe('joinKernels', () => {
  it('joins family tables and names what is missing or defined twice', () => {
    const all = kernelFamily(KERNEL_NAMES, () => negate);
    const { Exp, Neg, ...rest } = all;
    expect(Object.keys(joinKernels('test', { Exp, Neg }, rest))).toHaveLength(KERNEL_NAMES.length);
    expect(() => joinKernels('test', rest)).toThrow('test kernels: missing Exp, Neg');
    expect(() => joinKernels('test', all, { Exp })).toThrow('test kernels: defined twice: Exp');
  });
});
