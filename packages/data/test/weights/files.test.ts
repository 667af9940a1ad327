import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architecture, encodeSafetensors, onnxRoot, ONNX_ATTR, ONNX_DTYPE, type NamedArray } from '@msflow/core';
import { detectWeightFormat, inspectBackboneFile, loadBackboneWeights, readWeightFile } from '../../src/weights/index.js';

const dir = mkdtempSync(join(tmpdir(), 'msflow-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A resnet18 state dict up to layer2 with constant values. */
function r18StateDict(): Map<string, NamedArray> {
  const spec = architecture('resnet18', { taps: ['layer1', 'layer2'] });
  const t = new Map<string, NamedArray>();
  for (const c of spec.convs) {
    const { conv, bn } = c.names.torch!;
    const n = c.outChannels * c.inChannels * c.kernel[0] * c.kernel[1];
    t.set(`${conv}.weight`, { shape: [c.outChannels, c.inChannels, ...c.kernel], data: new Float32Array(n).fill(0.01) });
    for (const [k, v] of [['weight', 1], ['bias', 0], ['running_mean', 0], ['running_var', 1]] as const) {
      t.set(`${bn}.${k}`, { shape: [c.outChannels], data: new Float32Array(c.outChannels).fill(v) });
    }
  }
  return t;
}

describe('weight files on disk', () => {
  it('safetensors: detect, load, inspect (taps limited to what the file holds)', () => {
    const path = join(dir, 'r18.safetensors');
    writeFileSync(path, encodeSafetensors(r18StateDict()));
    expect(detectWeightFormat(path)).toBe('safetensors');
    const noExt = join(dir, 'weights-without-extension');
    writeFileSync(noExt, encodeSafetensors(r18StateDict()));
    expect(detectWeightFormat(noExt)).toBe('safetensors');
    const { spec, how } = loadBackboneWeights(path, { taps: ['layer1', 'layer2'] });
    expect(spec.id).toBe('resnet18');
    expect(how).toBe('safetensors torch names');
    const report = inspectBackboneFile(path);
    expect(report.matches[0].arch).toBe('resnet18');
    expect(report.matches[0].taps.map((t) => t.name)).toEqual(['layer1', 'layer2']);
    expect(() => loadBackboneWeights(path)).toThrow(/r18\.safetensors: missing tensor 'layer3\.0\.conv1\.weight' \(needed by resnet18 conv layer3\.0\.conv1\)/);
  });

  it('ONNX with external data next to the model', () => {
    const sub = join(dir, 'onnx');
    mkdirSync(sub);
    const w = new Float32Array(64 * 3 * 7 * 7).fill(0.5);
    writeFileSync(join(sub, 'stem.bin'), new Uint8Array(w.buffer));
    const ModelProto = onnxRoot().lookupType('onnx.ModelProto');
    const model = ModelProto.encode(
      ModelProto.fromObject({
        irVersion: 8,
        producerName: 'pytorch',
        producerVersion: '2.3',
        opsetImport: [{ version: 17 }],
        graph: {
          node: [{ name: '/conv1/Conv', opType: 'Conv', input: ['input', 'conv1.weight'], output: ['c'], attribute: [{ name: 'strides', type: ONNX_ATTR.INTS, ints: [2, 2] }] }],
          initializer: [
            { name: 'conv1.weight', dims: [64, 3, 7, 7], dataType: ONNX_DTYPE.FLOAT, dataLocation: 1, externalData: [{ key: 'location', value: 'stem.bin' }] },
          ],
        },
      }),
    ).finish();
    const path = join(sub, 'stem.onnx');
    writeFileSync(path, model);
    const file = readWeightFile(path);
    expect(file.format).toBe('onnx');
    if (file.format !== 'onnx') return;
    expect(Array.from(file.onnx.store.get('conv1.weight')!.data.subarray(0, 2))).toEqual([0.5, 0.5]);
    const report = inspectBackboneFile(path);
    expect(report.producer).toBe('pytorch 2.3, IR 8, opset 17');
    expect(report.notes).toContain('external data: stem.bin');
    rmSync(join(sub, 'stem.bin'));
    const again = readWeightFile(path);
    expect(() => again.format === 'onnx' && again.onnx.store.get('conv1.weight')).toThrow(
      /stem\.onnx: cannot read external data file 'stem\.bin'/,
    );
  });

  it('clear errors for missing and unknown files', () => {
    expect(() => detectWeightFormat(join(dir, 'nope.onnx'))).toThrow(/nope\.onnx: no such file or directory/);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello world, not weights');
    expect(() => detectWeightFormat(junk)).toThrow(/junk\.bin: unknown weight format/);
    expect(() => detectWeightFormat(dir)).toThrow(/a directory without model\.json/);
  });
});
