import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../src/cli.js';
import { trainStepPlan } from '../src/train_step_bench.js';

describe('train-step plan from the command line', () => {
  it('keeps the full plan when no restriction is given', () => {
    const args = parseBenchArgs(['--train-step']);
    expect(args.trainStep).toBe(true);
    expect(trainStepPlan(false, args.trainStepOverrides)).toEqual(trainStepPlan(false));
    expect(trainStepPlan(false)).toMatchObject({ presets: ['cpu', 'paper'], sizes: [256, 512], batches: [1, 8], eager: ['onnx', 'tfjs'], eagerAt: { preset: 'cpu', size: 256, batches: [1, 8] } });
    expect(trainStepPlan(true, parseBenchArgs(['--train-step', '--quick']).trainStepOverrides)).toEqual(trainStepPlan(true));
  });

  it('restricts the traced grid and the eager trainers, eager rows at the grid\'s first preset and size', () => {
    const args = parseBenchArgs(['--train-step', '--presets', 'cpu,paper', '--sizes', '512', '--batches', '1,8', '--eager', 'onnx', '--out', 'o']);
    expect(args.out).toBe('o');
    const plan = trainStepPlan(false, args.trainStepOverrides);
    expect(plan).toMatchObject({ presets: ['cpu', 'paper'], sizes: [512], batches: [1, 8], eager: ['onnx'], eagerAt: { preset: 'cpu', size: 512, batches: [1, 8] }, reps: 3 });
    // --eager alone keeps the grid and where the eager rows run; --eager none drops them.
    expect(trainStepPlan(false, parseBenchArgs(['--train-step', '--eager', 'onnx']).trainStepOverrides)).toEqual({ ...trainStepPlan(false), eager: ['onnx'] });
    expect(trainStepPlan(false, parseBenchArgs(['--train-step', '--eager', 'none']).trainStepOverrides).eager).toEqual([]);
    // --preset names a single traced preset.
    expect(trainStepPlan(true, parseBenchArgs(['--train-step', '--quick', '--preset', 'cpu']).trainStepOverrides)).toMatchObject({ presets: ['cpu'], sizes: [64], batches: [2], eagerAt: { preset: 'cpu', size: 64, batches: [2] } });
  });

  it('rejects bad values and train-step flags without --train-step', () => {
    expect(() => parseBenchArgs(['--train-step', '--eager', 'webgpu'])).toThrow(/--eager expects onnx, tfjs/);
    expect(() => parseBenchArgs(['--presets', 'cpu'])).toThrow(/--presets only applies to --train-step/);
    expect(() => parseBenchArgs(['--eager', 'onnx'])).toThrow(/--eager only applies to --train-step/);
    expect(() => parseBenchArgs(['--train-step', '--presets'])).toThrow(/--presets needs a value/);
    // The model benchmark's flags are unchanged.
    expect(parseBenchArgs(['--backends', 'onnx,webgpu', '--preset', 'cpu', '--sizes', '256,512', '--batches', '1,8']).options).toMatchObject({ backends: ['onnx', 'webgpu'], model: { preset: 'cpu', sizes: [256, 512], batches: [1, 8] } });
    expect(parseBenchArgs(['--quick']).trainStepOverrides).toBeUndefined();
  });
});
