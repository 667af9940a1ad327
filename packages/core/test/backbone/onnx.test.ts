import { describe, expect, it } from 'vitest';
import {
  architecture, foldConv, identifyOnnxArchitectures, onnxBackboneWeights, readOnnxModel, Rng,
  type ArchSpec, type BackboneWeights, type RawConv,
} from '@msflow/core';
import { randomRawConvs, writeOnnx } from './onnx_fixture.js';

function maxRelDiff(a: BackboneWeights, spec: ArchSpec, raw: Map<string, RawConv>): number {
  let worst = 0;
  for (const c of spec.convs) {
    const want = foldConv(c, raw.get(c.key)!);
    const got = a.get(c.key)!;
    for (const [x, y] of [[got.filter, want.filter], [got.bias, want.bias]] as const) {
      expect(x.length).toBe(y.length);
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1e-3 + Math.abs(y[i])));
    }
  }
  return worst;
}

// One random WRN-50-2 (layer1-layer3, 24.9 M parameters) shared by the tests.
const wrn = architecture('wide_resnet50_2', { padMode: 'reflect' });
const raw = randomRawConvs(wrn, new Rng(7));

describe('ONNX import of Wide-ResNet-50-2', () => {
  it('reads torchvision-named Conv + BatchNormalization initializers by name', () => {
    const { model } = writeOnnx(wrn, raw, { style: 'torch' });
    const parsed = readOnnxModel(model, { source: 'wrn_named.onnx' });
    expect(parsed.producer).toBe('msflow-test 0');
    expect(parsed.opset).toBe(17);
    expect(parsed.convs).toHaveLength(wrn.convs.length);
    expect(parsed.convs[0].bn?.epsilon).toBeCloseTo(1e-5, 10);
    const { weights, match } = onnxBackboneWeights(wrn, parsed);
    expect(match).toBe('names');
    expect(maxRelDiff(weights, wrn, raw)).toBeLessThan(1e-5);
    const [best] = identifyOnnxArchitectures(parsed);
    expect(best.arch).toBe('wide_resnet50_2');
    expect(best.taps.map((t) => t.name)).toEqual(['layer1', 'layer2', 'layer3']);
  });

  it('matches a fused, anonymously named export by Conv order, with external data', () => {
    const { model, files } = writeOnnx(wrn, raw, { style: 'fused', external: true });
    expect(() => readOnnxModel(model, { source: 'wrn_fused.onnx' }).store.get('onnx::Conv_1000')).toThrow(
      /wrn_fused.onnx: initializer 'onnx::Conv_1000' lives in external file 'weights.bin'; pass an externalData reader/,
    );
    const read: string[] = [];
    const parsed = readOnnxModel(model, { source: 'wrn_fused.onnx', externalData: (loc) => (read.push(loc), files.get(loc)!) });
    expect(parsed.externalFiles).toEqual(['weights.bin']);
    const { weights, match } = onnxBackboneWeights(wrn, parsed);
    expect(match).toBe('order');
    expect(read).toEqual(['weights.bin']); // read once, sliced per tensor
    expect(maxRelDiff(weights, wrn, raw)).toBeLessThan(1e-5);
    expect(identifyOnnxArchitectures(parsed)[0].arch).toBe('wide_resnet50_2');
  });

  it('names the file and the offending tensor when shapes do not fit', () => {
    const r50 = architecture('resnet50');
    const r50raw = randomRawConvs(r50, new Rng(1));
    const named = readOnnxModel(writeOnnx(r50, r50raw, { style: 'torch' }).model, { source: 'resnet50.onnx' });
    expect(() => onnxBackboneWeights(wrn, named)).toThrow(
      "resnet50.onnx: tensor 'layer1.0.conv1.weight' has shape [64,64,1,1], the wide_resnet50_2 graph expects [128,64,1,1] (conv layer1.0.conv1)",
    );
    const fused = readOnnxModel(writeOnnx(r50, r50raw, { style: 'fused' }).model, { source: 'resnet50_fused.onnx' });
    expect(() => onnxBackboneWeights(wrn, fused)).toThrow(
      "resnet50_fused.onnx: tensor 'onnx::Conv_1002' has shape [64,64,1,1], the wide_resnet50_2 graph expects [128,64,1,1] (conv layer1.0.conv1)",
    );
    expect(identifyOnnxArchitectures(fused)[0].arch).toBe('resnet50');
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => readOnnxModel(new TextEncoder().encode('{"not": "onnx"}'), { source: 'x.onnx' })).toThrow(/x.onnx: not an ONNX model/);
  });
});
