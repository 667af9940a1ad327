import { describe, expect, it } from 'vitest';
import { conv2d, matmul, relu, reshape, setBackend, tensor } from '@msflow/core';
import { countFlops, createOnnxEagerBackend } from '../src/index.js';

describe('countFlops', () => {
  it('counts conv and matmul multiply-adds as two FLOPs each, from a trace', () => {
    const onnx = createOnnxEagerBackend();
    setBackend(onnx);
    const w = tensor(new Float32Array(3 * 3 * 4 * 8), [3, 3, 4, 8]);
    const m = tensor(new Float32Array(8 * 5), [8, 5]);
    const flops = countFlops(onnx, (x) => matmul(reshape(relu(conv2d(x, w, { padding: 1 })), [64, 8]), m), [[1, 8, 8, 4]]);
    expect(flops).toBe(2 * 64 * 8 * 9 * 4 + 2 * 64 * 5 * 8);
  });
});
