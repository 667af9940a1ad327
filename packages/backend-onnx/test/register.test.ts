import { describe, expect, it } from 'vitest';
import { resolveBackend, setBackend, sigmoid, tensor } from '@msflow/core';
import { ONNX_BACKEND_NAME, registerOnnxBackend } from '../src/index.js';

describe('registerOnnxBackend', () => {
  it('registers a working eager backend as onnx', async () => {
    registerOnnxBackend();
    const backend = await resolveBackend([ONNX_BACKEND_NAME]);
    expect(backend.info()).toMatchObject({ name: 'onnx', precision: 'float32', concrete: true });
    setBackend(backend);
    const y = sigmoid(tensor([0], [1]));
    expect(Array.from(await y.data())).toEqual([0.5]);
    expect(backend.memory!().buffers).toBeGreaterThan(0);
    backend.dispose();
  });
});
