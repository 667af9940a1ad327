import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abs, dispose, registeredBackends, relu, resolveBackend, reshape, setBackend, tensor } from '@msflow/core';
import { registerTfjsBackend } from '@msflow/backend-tfjs';
import { createGpujsBackend, GPUJS_PRIORITY, registerGpujsBackend, selectGpujsMode, type GpujsBackend } from '../src/index.js';

describe('mode selection', () => {
  it('starts webasm here and says why the GL modes did not start', async () => {
    const b = await createGpujsBackend();
    try {
      expect(b.mode).toBe('webasm');
      const { detail, precision, concrete } = b.info();
      expect(detail).toMatch(/^gpu\.js webasm: WebAssembly/);
      expect(detail).toMatch(/headlessgl: no headless-gl context/);
      expect(detail).toMatch(/webgpu: not used/);
      expect([precision, concrete]).toEqual(['float32', true]);
    } finally {
      b.dispose();
    }
  });

  it('falls through unavailable modes in order and fails with every reason', () => {
    const { mode, skipped, gpu } = selectGpujsMode(['headlessgl', 'cpu']);
    expect(mode).toBe('cpu');
    expect(skipped.map((s) => s.mode)).toEqual(['headlessgl']);
    void gpu.destroy();
    expect(() => selectGpujsMode(['headlessgl', 'webgl2'])).toThrow(/headlessgl: .*; webgl2: no WebGL2 context/);
  });
});

describe('registry', () => {
  it('registers gpujs below tfjs, so it is only used when asked for', async () => {
    registerTfjsBackend();
    registerGpujsBackend();
    const names = registeredBackends();
    expect(names.indexOf('gpujs')).toBeGreaterThan(names.indexOf('tfjs'));
    expect(GPUJS_PRIORITY).toBeLessThan(10);
    const b = await resolveBackend(['gpujs']);
    try {
      expect(b.name).toBe('gpujs');
    } finally {
      b.dispose();
    }
  });
});

describe('storage and caching', () => {
  let b: GpujsBackend;
  beforeAll(async () => {
    b = await createGpujsBackend({ cacheSize: 4 });
    setBackend(b);
  });
  afterAll(() => b.dispose());

  it('compiles a kernel once per shape and reuses it', () => {
    const before = b.cacheStats();
    const x = tensor([1, -2, 3], [3]);
    const y1 = relu(x);
    const y2 = relu(x);
    const z = relu(tensor([-1, 2], [2]));
    const after = b.cacheStats();
    expect(after.compiled - before.compiled).toBe(2);
    expect(after.hits - before.hits).toBe(1);
    expect(Array.from(y2.dataSync())).toEqual([1, 0, 3]);
    dispose([x, y1, y2, z]);
  });

  it('keeps at most cacheSize compiled kernels', () => {
    const ts = [1, 2, 3, 4, 5, 6].map((n) => tensor(new Float32Array(n).fill(-1), [n]));
    const ys = ts.map((t) => abs(t));
    expect(b.cacheStats().size).toBe(4);
    expect(Array.from(ys[5].dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    dispose([ts, ys]);
  });

  it('shares storage between a tensor and its reshape, freeing it with the last one', () => {
    const base = b.memory().buffers;
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const r = reshape(x, [4]);
    expect(b.memory().buffers).toBe(base + 1);
    x.dispose();
    expect(Array.from(r.dataSync())).toEqual([1, 2, 3, 4]);
    r.dispose();
    expect(b.memory().buffers).toBe(base);
  });

  it('copies on write and on read, and refuses disposed data', () => {
    const values = Float32Array.from([1, 2]);
    const id = b.write(values, [2]);
    values[0] = 99;
    const out = b.readSync(id, [2]);
    out[1] = 42;
    expect(Array.from(b.readSync(id, [2]))).toEqual([1, 2]);
    b.disposeData(id);
    expect(() => b.readSync(id, [2])).toThrow(/disposed/);
  });

  it('leaves nothing alive after dispose', async () => {
    const c = await createGpujsBackend();
    c.write(Float32Array.from([1]), [1]);
    expect(c.liveTensors()).toBe(1);
    c.dispose();
    expect(c.liveTensors()).toBe(0);
    expect(c.memory()).toEqual({ bytes: 0, buffers: 0 });
  });
});
