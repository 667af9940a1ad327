import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCH_IDS, architecture, createBackbone, getBackend, engine, setBackend, tapShapes, zeroBackboneWeights, zeros, type Backend, type Backbone } from '@msflow/core';
import { createShapeBackend } from './shape_backend.js';

// Spec §2: WRN-50-2 layer1-3 at 512 px: 128/64/32 before, 64/32/16 after the 3x3/s2 avg pool.
const PAPER_TAPS: Record<number, [number, number, number][]> = {
  512: [[64, 64, 256], [32, 32, 512], [16, 16, 1024]],
  256: [[32, 32, 256], [16, 16, 512], [8, 8, 1024]],
};

const EXPECTED_CHANNELS: Record<string, number[]> = {
  resnet18: [64, 128, 256],
  resnet34: [64, 128, 256],
  resnet50: [256, 512, 1024],
  wide_resnet50_2: [256, 512, 1024],
  keras_resnet50: [256, 512, 1024],
  mobilenet_v1: [128, 256, 512],
  mobilenet_v2: [24, 32, 96],
  keras_mobilenet_v2: [24, 32, 96],
};

let previous: Backend | undefined;
beforeAll(() => {
  previous = engine.hasBackend() ? getBackend() : undefined;
  setBackend(createShapeBackend());
});
afterAll(() => {
  if (previous) setBackend(previous);
});

function run(bb: Backbone, size: number): number[][] {
  const x = zeros([1, size, size, 3]);
  const out = bb.extract(x).map((t) => [...t.shape]);
  x.dispose();
  return out;
}

describe('tap shapes (shape-only forward of the real graph)', () => {
  for (const id of ARCH_IDS) {
    for (const size of [256, 512]) {
      it(`${id} at ${size} px`, () => {
        const spec = architecture(id, { padMode: id === 'wide_resnet50_2' ? 'reflect' : 'zeros' });
        const bb = createBackbone(spec, zeroBackboneWeights(spec));
        const shapes = run(bb, size);
        const c = EXPECTED_CHANNELS[id];
        // Pooled taps at strides 8/16/32.
        expect(shapes).toEqual([8, 16, 32].map((s, i) => [1, size / s, size / s, c[i]]));
        expect(shapes.map((s) => s.slice(1))).toEqual(bb.outputShapes(size, size));
        expect(bb.taps.map((t) => [t.channels, t.featureStride, t.stride])).toEqual([[c[0], 4, 8], [c[1], 8, 16], [c[2], 16, 32]]);
        if (c[2] === 1024) expect(bb.outputShapes(size, size)).toEqual(PAPER_TAPS[size]);
        bb.dispose();
      });
    }
  }

  it('unpooled taps and all four stages', () => {
    const spec = architecture('wide_resnet50_2', { taps: ['layer1', 'layer2', 'layer3', 'layer4'] });
    expect(tapShapes(spec, 512, 512, 'none')).toEqual([[128, 128, 256], [64, 64, 512], [32, 32, 1024], [16, 16, 2048]]);
    const bb = createBackbone(spec, zeroBackboneWeights(spec), { pool: 'none' });
    expect(run(bb, 512)).toEqual([[1, 128, 128, 256], [1, 64, 64, 512], [1, 32, 32, 1024], [1, 16, 16, 2048]]);
    bb.dispose();
  });

  it('rejects input sizes the taps cannot divide', () => {
    const spec = architecture('resnet18');
    const bb = createBackbone(spec, zeroBackboneWeights(spec));
    expect(bb.inputSize).toEqual({ multipleOf: 32, min: 32 });
    expect(() => run(bb, 250)).toThrow(/250x250 must be a multiple of 32/);
    bb.dispose();
  });

  it('graphs stop after the deepest tap', () => {
    const wrn = architecture('wide_resnet50_2');
    expect(wrn.convs.some((c) => c.key.startsWith('layer4'))).toBe(false);
    // Spec §9.4: WRN-50-2 up to layer3 has 24,862,528 parameters (BN folded: conv weights + one bias per conv,
    // the same count as weights + BN weight/bias since BN bias folds into the conv bias).
    const params = wrn.convs.reduce((s, c) => s + c.kernel[0] * c.kernel[1] * (c.inChannels / c.groups) * c.outChannels + 2 * c.outChannels, 0);
    expect(params).toBe(24_862_528);
    expect(() => architecture('resnet18', { taps: ['layer9'] })).toThrow(/unknown tap 'layer9'; available: layer1, layer2, layer3, layer4/);
    expect(() => architecture('resnet99')).toThrow(/unknown backbone architecture 'resnet99'/);
  });
});
