import { describe, expect, it } from 'vitest';
import { conv2d, grad, matmul, relu, reshape, setBackend, sum, tensor } from '@msflow/core';
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

  it('counts each conv gradient (input and filter) as the forward convolution\'s work', () => {
    const onnx = createOnnxEagerBackend();
    setBackend(onnx);
    const forward = 2 * 4 * 4 * 8 * 9 * 4; // stride 2 on 8x8: a 4x4 output
    const flops = countFlops(onnx, (x, w) => grad((a, b) => sum(conv2d(a, b, { stride: 2, padding: 1 })))(x, w)[1], [[1, 8, 8, 4], [3, 3, 4, 8]]);
    expect(flops).toBe(3 * forward);
  });
});
