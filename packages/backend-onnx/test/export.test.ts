// exportOnnx: a standalone file with named inputs and outputs, reloaded by onnxruntime-node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { div, setBackend, tensor, tidy, transpose, type Tensor } from '@msflow/core';
import { createOnnxEagerBackend, exportOnnx, type OnnxBackend } from '../src/index.js';
import { maxAbsDiff, randn, smallNet } from './helpers.js';

let backend: OnnxBackend;
let dir: string;
beforeAll(() => {
  backend = createOnnxEagerBackend();
  setBackend(backend);
  dir = mkdtempSync(join(tmpdir(), 'msflow-onnx-'));
});
afterAll(() => {
  backend.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('exportOnnx', () => {
  it('writes a model with an NCHW image input, named outputs and a symbolic batch', async () => {
    const net = smallNet(7);
    // NCHW at the edge: the entry transpose meets the first conv's NHWC→NCHW and both vanish.
    const fn = (image: Tensor) => net(transpose(image, [0, 2, 3, 1]));
    const path = join(dir, 'net.onnx');
    const model = await exportOnnx(fn, { inputs: [{ name: 'image', shape: [-1, 4, 8, 8] }], path, serialize: { docString: 'test net' } });
    expect(model.dynamicBatch).toBe(true);
    expect(model.graph.nodes.filter((n) => n.opType === 'Transpose')).toHaveLength(1); // the features' exit

    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toEqual(['image']);
    expect(session.outputNames).toEqual(['features', 'pooled']);
    const meta = session.inputMetadata[0] as unknown as { shape: (number | string)[] };
    expect(meta.shape).toEqual(['N', 4, 8, 8]);

    const x = randn(2 * 4 * 8 * 8, 3);
    const out = await session.run({ image: new ort.Tensor('float32', x, [2, 4, 8, 8]) });
    const want = tidy(() => fn(tensor(x, [2, 4, 8, 8])));
    expect(out.features.dims).toEqual([2, 4, 4, 8]);
    expect(maxAbsDiff(out.features.data as Float32Array, await want.features.data())).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooled.data as Float32Array, await want.pooled.data())).toBeLessThan(1e-4);
    want.features.dispose();
    want.pooled.dispose();
    await session.release();
  });

  it('bakes in the fallback batch and says why when the graph depends on the batch size', async () => {
    const model = await exportOnnx((x) => ({ y: div(x, x.shape[0]) }), { inputs: [{ name: 'x', shape: [-1, 2] }], fallbackBatch: 4 });
    expect(model.dynamicBatch).toBe(false);
    expect(model.staticReason).toMatch(/depends on the batch size/);
    expect(model.graph.inputs[0].dims).toEqual([4, 2]);
  });
});
