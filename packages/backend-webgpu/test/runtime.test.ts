import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add, dispose, exp, getBackend, matmul, mul, reshape, resolveBackend, setBackend, sigmoid, softplus, sub, tanh, tensor, tidy, type Backend, type Tensor,
} from '@msflow/core';
import { createReferenceBackend } from '@msflow/core/testing';
import { createWebgpuBackend, registerWebgpuBackend, WebgpuError, type WebgpuBackend } from '../src/index.js';
import { gpuUnavailable } from './gpu.js';

// The runtime around the kernels: fusion, batching, the pipeline cache, the buffer pool,
// disposal, memory limits, device loss and registration.
const reason = await gpuUnavailable();

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 1.5);

/** A long element-wise chain over broadcast operands (more ops and leaves than one shader takes). */
function chain(): Tensor {
  return tidy(() => {
    const a = tensor(values(2 * 3 * 4 * 5, 1), [2, 3, 4, 5]);
    const b = tensor(values(4 * 1, 2), [4, 1]);
    const c = tensor(values(2 * 1 * 4 * 1, 3), [2, 1, 4, 1]);
    const d = tensor(values(5, 4), [5]);
    let y = a;
    for (let i = 0; i < 12; i++) {
      const leaf = tensor(values(3 * 1 * 5, 10 + i), [3, 1, 5]);
      y = add(mul(tanh(y), i % 2 ? b : c), sub(sigmoid(leaf), d));
      if (i % 4 === 3) y = softplus(reshape(y, [2, 3, 20]));
      if (i % 4 === 3) y = reshape(exp(mul(y, -0.5)), [2, 3, 4, 5]);
    }
    return y;
  });
}

async function onBackend(be: Backend, f: () => Tensor): Promise<Float32Array> {
  const prev = getBackend();
  setBackend(be);
  try {
    const t = f();
    const v = Float32Array.from(await t.data());
    dispose(t);
    return v;
  } finally {
    setBackend(prev);
  }
}

describe.skipIf(reason !== null)('webgpu runtime', () => {
  let be: WebgpuBackend;
  let ref: Backend;
  beforeAll(async () => {
    be = await createWebgpuBackend();
    ref = createReferenceBackend();
    setBackend(ref);
  });
  afterAll(() => {
    be?.dispose();
    ref?.dispose();
  });

  it('fuses long broadcast element-wise chains and matches the float64 reference', async () => {
    const got = await onBackend(be, chain);
    const want = await onBackend(ref, chain);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(want[i])));
    const unfused = await createWebgpuBackend({ fuseElementwise: false });
    try {
      const plain = await onBackend(unfused, chain);
      plain.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(want[i])));
      // Fusion is what it is for: far fewer dispatches than one per op.
      expect(be.stats().queue.dispatches).toBeLessThan(unfused.stats().queue.dispatches / 3);
    } finally {
      unfused.dispose();
    }
  });

  it('batches dispatches into one submit and reads back only when asked', async () => {
    setBackend(be);
    const x = tensor(values(64 * 64, 5), [64, 64]);
    const before = be.stats().queue;
    let y = x;
    const made: Tensor[] = [];
    for (let i = 0; i < 20; i++) made.push((y = matmul(y, x)));
    const recorded = be.stats().queue;
    expect(recorded.dispatches - before.dispatches).toBe(20);
    expect(recorded.submits).toBe(before.submits);
    await y.data();
    const after = be.stats().queue;
    expect(after.submits - before.submits).toBe(1);
    expect(after.reads - before.reads).toBe(1);
    dispose([x, ...made]);
    setBackend(ref);
  });

  it('compiles each program once, whatever the shapes', async () => {
    setBackend(be);
    const compiled = be.stats().pipelines.pipelines;
    const outs = [3, 17, 40].map((n) => matmul(tensor(values(n * 9, n), [n, 9]), tensor(values(9 * 5, 1), [9, 5])));
    await Promise.all(outs.map((t) => t.data()));
    // At most one new pipeline (the plain matmul) for three shapes.
    expect(be.stats().pipelines.pipelines - compiled).toBeLessThanOrEqual(1);
    expect(be.stats().pipelines.hits).toBeGreaterThan(0);
    dispose(outs);
    setBackend(ref);
  });

  it('reuses pooled buffers in a steady loop and frees everything on dispose', async () => {
    const own = await createWebgpuBackend();
    setBackend(own);
    const created: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = tensor(values(1000, i), [10, 100]);
      const b = tidy(() => exp(matmul(a, a, false, true)));
      await b.data();
      dispose([a, b]);
      created.push(own.stats().storage.created);
    }
    expect(created[3]).toBe(created[1]);
    expect(own.stats().tensors).toBe(0);
    expect(own.memory().bytes).toBeGreaterThan(0); // pooled for reuse
    setBackend(ref);
    own.dispose();
    expect(own.memory()).toEqual({ bytes: 0, buffers: 0 });
    expect(() => own.write(Float32Array.of(1), [1])).toThrow(WebgpuError);
    expect(() => own.write(Float32Array.of(1), [1])).toThrow(/disposed/);
  });

  it('reports a memory limit as an out-of-memory error', async () => {
    const small = await createWebgpuBackend({ memoryLimitBytes: 1 << 20 });
    try {
      small.write(new Float32Array(1000), [1000]);
      let err: unknown;
      try {
        small.write(new Float32Array(1 << 19), [1 << 19]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WebgpuError);
      expect((err as WebgpuError).kind).toBe('out-of-memory');
      expect((err as Error).message).toMatch(/memory limit of 1\.00 MiB/);
    } finally {
      small.dispose();
    }
  });

  it('turns a lost device into a clear error on every later call', async () => {
    const lost = await createWebgpuBackend();
    const x = lost.write(Float32Array.of(1, 2), [2]);
    lost.ctx.device.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await expect(lost.read(x, [2])).rejects.toThrow(/device was lost/);
    expect(() => lost.write(Float32Array.of(1), [1])).toThrow(WebgpuError);
    lost.dispose();
  });

  // Chromium rejects the pending mapping before \`device.lost\` settles (the page's lost-device
  // test found it); Dawn in Node settles it first, so here this only pins the contract.
  it('a device lost while a read is pending: the read fails as a lost device, not as a failed mapping', async () => {
    const lost = await createWebgpuBackend();
    const x = lost.write(Float32Array.of(1, 2), [2]);
    const reading = lost.read(x, [2]);
    lost.ctx.device.destroy();
    await expect(reading).rejects.toMatchObject({ kind: 'device-lost' });
    lost.dispose();
  });

  it('registers `webgpu` (hardware only) and `webgpu-software` with core and resolves through the registry', async () => {
    registerWebgpuBackend();
    const got = await resolveBackend(['webgpu-software']);
    expect(got.name).toBe('webgpu-software');
    expect(got.info()).toMatchObject({ name: 'webgpu-software', precision: 'float32', concrete: true });
    expect(got.info().detail).toMatch(/WebGPU through Dawn/);
    got.dispose();
    if (/software/.test(got.info().detail)) {
      // Only a software adapter here: the hardware-only name must refuse it, saying why.
      await expect(resolveBackend(['webgpu'])).rejects.toThrow(/webgpu: .*(no GPU device|only a software adapter)/);
    }
  });
});
