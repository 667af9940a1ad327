import { describe, expect, it } from 'vitest';
import { architecture, decodeTfjsGroup, foldConv, identifyArchitectures, readTfjsModel, Rng, tfjsBackboneWeights, type TfjsWeightEntry } from '@msflow/core';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const f32 = (a: number[]) => new Uint8Array(Float32Array.from(a).buffer);

describe('tfjs weight decoding', () => {
  it('dequantizes uint8 / uint16 (min + scale·q), decodes float16, float32 and int32', () => {
    const weights: TfjsWeightEntry[] = [
      { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 10, scale: 0.25 } },
      { name: 'c', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd', shape: [2], dtype: 'float32' },
      { name: 'e', shape: [1], dtype: 'int32' },
    ];
    const bytes = new Uint8Array([0, 2, 255, /* uint16 LE */ 4, 0, 0, 1, /* half 1.0, -2.5 */ 0x00, 0x3c, 0x00, 0xc1, ...f32([1.5, -7]), ...new Uint8Array(Int32Array.of(-3).buffer)]);
    const t = decodeTfjsGroup({ paths: ['s1'], weights }, bytes, 'm.json');
    expect(Array.from(t.get('a')!.data)).toEqual([-1, 0, 126.5]);
    expect(Array.from(t.get('b')!.data)).toEqual([11, 74]);
    expect(Array.from(t.get('c')!.data)).toEqual([1, -2.5]);
    expect(Array.from(t.get('d')!.data)).toEqual([1.5, -7]);
    expect(Array.from(t.get('e')!.data)).toEqual([-3]);
    expect(() => decodeTfjsGroup({ paths: ['s1'], weights }, bytes.subarray(0, 10), 'm.json')).toThrow("m.json: weight 'c' ends at byte 11, but the shards of its group (s1) hold 10");
  });
});

describe('tfjs layers model import (Keras names)', () => {
  it('loads a MobileNetV1 from sharded, partly quantized weights with per-layer BN epsilon', () => {
    const spec = architecture('mobilenet_v1');
    const rng = new Rng(5);
    const entries: TfjsWeightEntry[] = [];
    const values = new Map<string, Float32Array>();
    const chunks: Uint8Array[] = [];
    for (const c of spec.convs) {
      const { conv, bn } = c.names.keras!;
      const depthwise = c.groups > 1;
      const shape = depthwise ? [3, 3, c.inChannels, 1] : [c.kernel[0], c.kernel[1], c.inChannels, c.outChannels];
      const n = shape.reduce((p, q) => p * q, 1);
      // Kernels uint8-quantized, as tfjs's converter writes them with --quantize_uint8.
      const q = Uint8Array.from({ length: n }, () => rng.int(256));
      const min = -0.5;
      const scale = 1 / 255;
      values.set(conv, Float32Array.from(q, (v) => min + scale * v));
      entries.push({ name: `mobilenet_1.00_224/${conv}/${depthwise ? 'depthwise_kernel' : 'kernel'}`, shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
      chunks.push(q);
      for (const [k, lo, hi] of [['gamma', 0.5, 1.5], ['beta', -0.1, 0.1], ['moving_mean', -0.1, 0.1], ['moving_variance', 0.5, 1.5]] as const) {
        const v = rng.uniformArray(c.outChannels, lo, hi);
        values.set(`${bn}/${k}`, v);
        entries.push({ name: `mobilenet_1.00_224/${bn}/${k}`, shape: [c.outChannels], dtype: 'float32' });
        chunks.push(new Uint8Array(v.buffer));
      }
    }
    const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const half = Math.floor(all.length / 2);
    const shards: Record<string, Uint8Array> = { 'group1-shard1of2.bin': all.subarray(0, half), 'group1-shard2of2.bin': all.subarray(half) };
    const modelJson = {
      format: 'layers-model',
      generatedBy: 'keras v2.x',
      modelTopology: {
        model_config: {
          class_name: 'Functional',
          config: { layers: [{ class_name: 'Model', config: { name: 'mobilenet_1.00_224', layers: [{ class_name: 'BatchNormalization', config: { name: 'conv1_bn', epsilon: 0.01 } }] } }] },
        },
      },
      weightsManifest: [{ paths: Object.keys(shards), weights: entries }],
    };
    const model = readTfjsModel(JSON.stringify(modelJson), (p) => shards[p], 'mnv1/model.json');
    expect(model.bnEpsilon.get('conv1_bn')).toBe(0.01);
    const weights = tfjsBackboneWeights(spec, model);
    for (const c of spec.convs) {
      const { conv, bn } = c.names.keras!;
      const bnp = { gamma: values.get(`${bn}/gamma`)!, beta: values.get(`${bn}/beta`)!, mean: values.get(`${bn}/moving_mean`)!, variance: values.get(`${bn}/moving_variance`)!, epsilon: conv === 'conv1' ? 0.01 : 1e-3 };
      const want = foldConv(c, { weight: values.get(conv)!, layout: c.groups > 1 ? 'HWCM' : 'HWIO', bn: bnp });
      const got = weights.get(c.key)!;
      expect(maxAbsDiff(got.filter, want.filter)).toBeLessThan(1e-6);
      expect(maxAbsDiff(got.bias, want.bias)).toBeLessThan(1e-6);
    }
    const [best] = identifyArchitectures(model.store);
    expect(best.arch).toBe('mobilenet_v1');
    expect(best.taps.map((t) => t.name)).toEqual(['stride4', 'stride8', 'stride16']);
    expect(() => readTfjsModel(JSON.stringify(modelJson), () => { throw new Error('ENOENT'); }, 'mnv1/model.json')).toThrow(
      "mnv1/model.json: cannot read weight shard 'group1-shard1of2.bin' (ENOENT)",
    );
  });
});
