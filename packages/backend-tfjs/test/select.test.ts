import { describe, expect, it } from 'vitest';
import { BackendResolutionError, resolveBackend } from '@msflow/core';
import { createTfjsBackend, registerTfjsBackend, selectTfjsRuntime, TfjsBackend } from '../src/index.js';

const notFound = (spec: string) => Object.assign(new Error(`Cannot find package '${spec}' imported from here`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('tfjs runtime selection', () => {
  it('picks wasm here (no tfjs-node packages) and says why the native ones were not used', async () => {
    const backend = await createTfjsBackend();
    const { detail } = backend.info();
    console.log(`[tfjs] default backend: ${detail}`);
    expect(backend.name).toBe('tfjs');
    expect(backend.runtime.runtime).toBe('wasm');
    expect(detail).toMatch(/^tfjs wasm \((no )?SIMD, \d+ threads?\); tfjs-node-gpu: not installed; tfjs-node: not installed$/);
    expect(backend.info().precision).toBe('float32');
  });

  it('registers tfjs and its variants; unavailable native variants report why', async () => {
    registerTfjsBackend();
    const err = await resolveBackend(['tfjs-node-gpu', 'tfjs-node', 'no-such-backend']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendResolutionError);
    const failures = (err as BackendResolutionError).failures;
    expect(failures.map((f) => f.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'no-such-backend']);
    expect(failures[0].reason).toMatch(/^no tfjs runtime could start: tfjs-node-gpu: not installed \(.*optional peer dependencies/);
    expect(failures[1].reason).toMatch(/^no tfjs runtime could start: tfjs-node-gpu: not installed; tfjs-node: not installed \(/);
    expect(failures[2].reason).toMatch(/^not registered \(registered: tfjs, .*tfjs-cpu/);
    console.log(`[tfjs] ${(err as Error).message}`);

    const cpu = await resolveBackend(['tfjs-node-gpu', 'tfjs-cpu']);
    expect(cpu.name).toBe('tfjs-cpu');
    expect(cpu.info().detail).toBe('tfjs cpu (pure JS)');
  });

  it('rejects tfjs-node-gpu without a CUDA device and a tfjs-node whose binding fails to load', async () => {
    const fakeGpuTf = {
      setBackend: async () => true,
      ready: async () => undefined,
      backend: () => ({ isUsingGpuDevice: false }),
    };
    const importModule = async (spec: string): Promise<unknown> => {
      if (spec === '@tensorflow/tfjs-node-gpu') return { default: fakeGpuTf };
      if (spec === '@tensorflow/tfjs-node') {
        throw Object.assign(new Error("Cannot find module '/x/lib/napi-v8/tfjs_binding.node'\nRequire stack: ..."), { code: 'MODULE_NOT_FOUND' });
      }
      if (spec === '@tensorflow/tfjs-backend-wasm') throw notFound(spec);
      return import(spec);
    };
    const rt = await selectTfjsRuntime({ importModule });
    expect(rt.runtime).toBe('cpu');
    expect(rt.skipped).toEqual([
      { name: 'tfjs-node-gpu', reason: 'loaded, but TensorFlow found no usable CUDA device' },
      { name: 'tfjs-node', reason: "failed to load: Cannot find module '/x/lib/napi-v8/tfjs_binding.node'" },
      { name: 'wasm', reason: 'not installed' },
    ]);
    const backend = new TfjsBackend(rt);
    expect(backend.info().detail).toBe(
      "tfjs cpu (pure JS); tfjs-node-gpu: loaded, but TensorFlow found no usable CUDA device; tfjs-node: failed to load: Cannot find module '/x/lib/napi-v8/tfjs_binding.node'; wasm: not installed",
    );
  });

  it('lists every failure when nothing starts, and rejects unknown runtime names', async () => {
    const importModule = async (spec: string): Promise<unknown> => {
      throw notFound(spec);
    };
    await expect(selectTfjsRuntime({ importModule })).rejects.toThrow(
      'no tfjs runtime could start: tfjs-node-gpu: not installed; tfjs-node: not installed; wasm: not installed; cpu: not installed (',
    );
    await expect(selectTfjsRuntime({ prefer: ['gpu' as never] })).rejects.toThrow(/unknown tfjs runtime 'gpu'/);
  });

  it('runs cpu and wasm backends side by side in one process', async () => {
    const cpu = await createTfjsBackend({ prefer: ['cpu'] });
    const wasm = await createTfjsBackend({ prefer: ['wasm'] });
    const run = (be: TfjsBackend) => {
      const x = be.write(Float32Array.of(1, -2, 3, -4), [2, 2]);
      const y = be.kernels.MatMul!({
        inputs: [
          { dataId: x, shape: [2, 2] },
          { dataId: x, shape: [2, 2] },
        ],
        attrs: { transposeA: false, transposeB: true },
        outShape: [2, 2],
      });
      expect(be.runtime.tf.getBackend()).toBe(be.runtime.tfBackend);
      return { x, y };
    };
    const a = run(cpu);
    const b = run(wasm);
    const c = run(cpu);
    for (const [be, r] of [[cpu, a], [wasm, b], [cpu, c]] as const) expect(Array.from(be.readSync(r.y, [2, 2]))).toEqual([5, 11, 11, 25]);
    expect(Array.from(await wasm.read(b.x, [4]))).toEqual([1, -2, 3, -4]);
    expect(cpu.liveTensors()).toBe(4);
    cpu.dispose();
    wasm.dispose();
    expect(cpu.liveTensors()).toBe(0);
    expect(wasm.runtime.tf.memory().numTensors).toBe(0);
  });
});
