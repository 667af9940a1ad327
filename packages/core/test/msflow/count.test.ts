import { describe, expect, it } from 'vitest';
import {
  countFlowParameters,
  CPU_PRESET,
  estimateMacs,
  latentDims,
  latentShapes,
  mixerHidden,
  msflowParamSpecs,
  PAPER_PRESET,
  presetConfig,
  learningRate,
  withOverrides,
  validateConfig,
  ConfigError,
} from '@msflow/core';

describe('MSFlow parameter accounting (spec §9.4)', () => {
  it('the paper preset has exactly 99,556,224 trainable parameters, split as in the spec table', () => {
    const c = countFlowParameters(presetConfig('paper'));
    expect(c.total).toBe(99_556_224);
    expect(c.parallel).toEqual([1_550_976, 11_993_280, 66_393_600]);
    expect(c.perBlock).toEqual([775_488, 2_398_656, 8_299_200]);
    expect(c.parallel.reduce((a, b) => a + b)).toBe(79_937_856);
    expect(c.fusionPhi).toBe(9_809_184);
    expect(c.fusion).toBe(19_618_368);
  });

  it('breaks a paper block down as the spec does (conv, LN, conv, global affine)', () => {
    const specs = msflowParamSpecs(PAPER_PRESET).filter((s) => s.name.startsWith('parallel.0.0.'));
    const size = (name: string) => specs.filter((s) => s.name.startsWith(name)).reduce((n, s) => n + s.shape.reduce((p, q) => p * q, 1), 0);
    expect(size('parallel.0.0.subnet.conv1.')).toBe(331_968);
    expect(size('parallel.0.0.subnet.ln.')).toBe(384);
    expect(size('parallel.0.0.subnet.conv2.')).toBe(442_624);
    expect(size('parallel.0.0.global_')).toBe(512);
    const mixer = msflowParamSpecs(PAPER_PRESET).filter((s) => s.name.startsWith('fusion.phi1.mixer.'));
    expect(mixer.reduce((n, s) => n + s.shape.reduce((p, q) => p * q, 1), 0)).toBe(3_614_240);
    expect(mixerHidden(PAPER_PRESET.channels)).toBe(224);
  });

  it('estimates the paper flows at ≈ 44.7 GMAC per 512² image', () => {
    const m = estimateMacs(PAPER_PRESET);
    expect(m.parallel.map((v) => +(v / 1e9).toFixed(1))).toEqual([6.3, 12.3, 17.0]);
    expect(+(m.fusion / 1e9).toFixed(1)).toBe(9.1);
    expect(+(m.total / 1e9).toFixed(1)).toBe(44.7);
  });

  it('describes the CPU preset', () => {
    expect(latentShapes(CPU_PRESET)).toEqual([
      [40, 40, 256],
      [20, 20, 512],
      [10, 10, 1024],
    ]);
    // Fully convolutional: the same parameters as at 128², 6.25x the 128² MACs (1.05 G).
    const m = estimateMacs(CPU_PRESET);
    expect(m.total / estimateMacs(presetConfig('cpu', { inputSize: [128, 128] })).total).toBeCloseTo(6.25, 9);
    expect(m.total).toBeGreaterThan(6.25 * 1e9);
    expect(m.total).toBeLessThan(6.25 * 1.1e9);
    expect(countFlowParameters(CPU_PRESET).total).toBe(31_091_712);
    expect(countFlowParameters(CPU_PRESET).total).toBe(countFlowParameters(PAPER_PRESET).perBlock.reduce((a, b) => a + b) + 19_618_368);
    const small = presetConfig('cpu-resnet18');
    expect(countFlowParameters(small).total).toBe(2_437_296);
    expect(+(estimateMacs(small).total / 1e9).toFixed(2)).toBe(0.1);
    // cpu trains 2 passes: the first at the full rate (a scaled warm-up rounds to none), the second decayed once.
    expect(CPU_PRESET.train).toMatchObject({ metaEpochs: 2, subEpochs: 1, lr: 5e-4 });
    expect(learningRate(CPU_PRESET.train, 0)).toBeCloseTo(5e-4, 12);
    expect(learningRate(CPU_PRESET.train, 1)).toBeCloseTo(5e-4 * 0.33, 12);
    // cpu-quality is cpu at the paper's input size: the same parameters, 512² / 320² = 2.56x the flow MACs.
    const quality = presetConfig('cpu-quality');
    expect(withOverrides(quality, { inputSize: [320, 320] })).toEqual(CPU_PRESET);
    expect(latentShapes(quality).map((s) => s[0])).toEqual([64, 32, 16]);
    expect(countFlowParameters(quality).total).toBe(31_091_712);
    expect(estimateMacs(quality).total / m.total).toBeCloseTo(2.56, 9);
    // cpu-resnet18 keeps the schedule CI and the tests were sized for.
    expect(small.train).toMatchObject({ metaEpochs: 4, subEpochs: 2, lr: 1e-4 });
  });

  it('computes latent shapes from the input size', () => {
    expect(latentShapes(PAPER_PRESET)).toEqual([
      [64, 64, 256],
      [32, 32, 512],
      [16, 16, 1024],
    ]);
    expect(latentDims(PAPER_PRESET)).toBe(1_835_008);
    expect(latentShapes(presetConfig('paper', { inputSize: [256, 256] })).map((s) => s[0])).toEqual([32, 16, 8]);
  });

  it('rejects invalid configurations with every problem listed', () => {
    expect(() => presetConfig('nope')).toThrow(/known presets: paper, cpu, cpu-quality, cpu-resnet18/);
    expect(() => validateConfig({ ...PAPER_PRESET, blocks: [1, 1], channels: [256, 512, 1023] })).toThrow(ConfigError);
    expect(() => validateConfig({ ...PAPER_PRESET, blocks: [1, 1], channels: [256, 512, 1023] })).toThrow(/blocks must have 3 entries.*channels must be even/);
    expect(() => validateConfig({ ...PAPER_PRESET, condChannels: 6 })).toThrow(/condChannels/);
    expect(() => validateConfig(presetConfig('paper', { train: { translate: 0.5 } }))).toThrow(/train.translate must be a fraction in \[0, 0.5\), got 0.5/);
    expect(() => validateConfig(presetConfig('paper', { train: { translate: 0.05 } }))).not.toThrow();
    expect(PAPER_PRESET.train.translate).toBeUndefined(); // the paper trains on the images as they are
  });

  it('merges overrides one level deep into train and its schedule', () => {
    const c = presetConfig('paper', { seed: 1, train: { metaEpochs: 2, schedule: { gamma: 0.5 } } });
    expect(c.seed).toBe(1);
    expect(c.train.metaEpochs).toBe(2);
    expect(c.train.subEpochs).toBe(4);
    // 2 x 4 sub-epochs: the paper schedule scaled to 8, with the gamma given here.
    expect(c.train.schedule).toEqual({ warmupStartFactor: 0.1, warmupSubEpochs: 1, milestones: [6, 7], gamma: 0.5 });
    expect(PAPER_PRESET.train.schedule.gamma).toBe(0.33);
    expect(presetConfig('paper', { seed: 1 }).train.schedule).toEqual(PAPER_PRESET.train.schedule);
  });

  it('rescales a preset schedule to a run of another length (defect: it stayed at the preset length)', () => {
    // cpu is 2 x 1 = 2 sub-epochs; 8 x 4 = 32 used to decay at the preset length's milestones and train most of the run at 1/9 of the rate.
    const long = presetConfig('cpu', { train: { metaEpochs: 8, subEpochs: 4 } }).train;
    expect(long.schedule).toEqual({ warmupStartFactor: 0.1, warmupSubEpochs: 4, milestones: [22, 29], gamma: 0.33 });
    expect(long.lr).toBe(5e-4);
    expect(learningRate(long, 10)).toBeCloseTo(5e-4, 12);
    expect(learningRate(long, 31)).toBeCloseTo(5e-4 * 0.33 * 0.33, 12);
    // A short paper run used to stay in its 12-sub-epoch warm-up.
    const short = presetConfig('paper', { train: { metaEpochs: 2, subEpochs: 2 } }).train;
    expect(learningRate(short, 1)).toBeCloseTo(1e-4, 12);
    // A schedule that is not a scaled paper schedule is kept as given.
    const custom = withOverrides({ ...PAPER_PRESET, train: { ...PAPER_PRESET.train, schedule: { ...PAPER_PRESET.train.schedule, milestones: [50] } } }, { train: { metaEpochs: 2 } });
    expect(custom.train.schedule.milestones).toEqual([50]);
  });
});
