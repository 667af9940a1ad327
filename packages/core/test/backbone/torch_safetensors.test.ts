import { describe, expect, it } from 'vitest';
import {
  architecture, assembleWeights, encodeSafetensors, foldConv, identifyArchitectures, Rng, safetensorsStore,
  type ArchSpec, type NamedArray, type RawConv,
} from '@msflow/core';
import { randomRawConvs } from './onnx_fixture.js';

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A torchvision-style state dict (with the extras a real one has) as safetensors bytes. */
function stateDict(spec: ArchSpec, raw: Map<string, RawConv>, drop: string[] = []): Uint8Array {
  const t = new Map<string, NamedArray>();
  for (const c of spec.convs) {
    const r = raw.get(c.key)!;
    const { conv, bn } = c.names.torch!;
    t.set(`${conv}.weight`, { shape: [c.outChannels, c.inChannels / c.groups, ...c.kernel], data: r.weight });
    const p = r.bn!;
    t.set(`${bn}.weight`, { shape: [c.outChannels], data: p.gamma });
    t.set(`${bn}.bias`, { shape: [c.outChannels], data: p.beta });
    t.set(`${bn}.running_mean`, { shape: [c.outChannels], data: p.mean });
    t.set(`${bn}.running_var`, { shape: [c.outChannels], data: p.variance });
    t.set(`${bn}.num_batches_tracked`, { shape: [], data: Float32Array.of(0) });
  }
  t.set('fc.weight', { shape: [10, 512], data: new Float32Array(5120) });
  for (const d of drop) t.delete(d);
  return encodeSafetensors(t);
}

describe('PyTorch state dicts in safetensors (torchvision names)', () => {
  const spec = architecture('resnet18', { taps: ['layer1', 'layer2', 'layer3', 'layer4'] });
  const raw = randomRawConvs(spec, new Rng(3));

  it('loads every conv and folds BatchNorm; extra tensors are ignored', () => {
    const weights = assembleWeights(spec, safetensorsStore(stateDict(spec, raw), 'resnet18.safetensors'));
    expect(weights.size).toBe(spec.convs.length);
    for (const c of spec.convs) {
      const want = foldConv(c, raw.get(c.key)!);
      const got = weights.get(c.key)!;
      expect(same(got.filter, want.filter) && same(got.bias, want.bias)).toBe(true);
    }
    const [best] = identifyArchitectures(safetensorsStore(stateDict(spec, raw)));
    expect(best).toMatchObject({ arch: 'resnet18', naming: 'torch', matchedConvs: 20, totalConvs: 20 });
    expect(best.taps.map((t) => `${t.name}:${t.channels}/${t.stride}`)).toEqual(['layer1:64/4', 'layer2:128/8', 'layer3:256/16', 'layer4:512/32']);
  });

  it('names the file and tensor that is missing or mis-shaped', () => {
    const missing = safetensorsStore(stateDict(spec, raw, ['layer2.0.downsample.1.running_var']), 'r18.safetensors');
    expect(() => assembleWeights(spec, missing)).toThrow("r18.safetensors: missing tensor 'layer2.0.downsample.1.running_var' (needed by resnet18 conv layer2.0.downsample.0)");
    const wrn = architecture('wide_resnet50_2');
    expect(() => assembleWeights(wrn, safetensorsStore(stateDict(spec, raw), 'r18.safetensors'))).toThrow(
      "r18.safetensors: tensor 'layer1.0.conv1.weight' has shape [64,64,3,3], the wide_resnet50_2 graph expects [128,64,1,1] (conv layer1.0.conv1)",
    );
  });

  it('a file holding only layer1-layer2 can feed those taps only', () => {
    const partial = stateDict(spec, raw, spec.convs.filter((c) => c.key.startsWith('layer3') || c.key.startsWith('layer4')).map((c) => `${c.names.torch!.conv}.weight`));
    const [best] = identifyArchitectures(safetensorsStore(partial));
    expect(best.arch).toBe('resnet18');
    expect(best.taps.map((t) => t.name)).toEqual(['layer1', 'layer2']);
    expect(() => assembleWeights(architecture('resnet18', { taps: ['layer1', 'layer2'] }), safetensorsStore(partial))).not.toThrow();
  });
});
