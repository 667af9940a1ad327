import { describe, expect, it } from 'vitest';
import { runTrainStepBench, trainStepMarkdown, trainStepPlan } from '../src/train_step_bench.js';

describe('train-step benchmark (quick plan)', () => {
  it('times the traced step and an eager step, counts their FLOPs and reports the speed-up', async () => {
    const lines: string[] = [];
    const report = await runTrainStepBench(trainStepPlan(true), (l) => lines.push(l));
    const traced = report.rows.find((r) => r.trainer === 'traced onnx');
    const eager = report.rows.find((r) => r.trainer === 'eager onnx');
    expect(traced?.skipped).toBeUndefined();
    expect(eager?.skipped).toBeUndefined();
    // The same step does the same conv/matmul work whichever trainer runs it.
    expect(traced!.flops).toBeGreaterThan(0);
    expect(eager!.flops).toBe(traced!.flops);
    expect(traced!.imagesPerSecond).toBeGreaterThan(0);
    expect(traced!.stateCopyMs).toBeGreaterThanOrEqual(0);
    expect(traced!.firstStepMs).toBeGreaterThan(0);
    // The traced row runs the stepper msflow train's execution plan gives.
    expect(traced!.detail).toMatch(/msflow train's plan/);
    const md = trainStepMarkdown(report);
    expect(md).toMatch(/\| traced onnx \| cpu-resnet18 \| 64 \| 2 \| \d+ \|/);
    expect(md).toMatch(/\| eager onnx \| cpu-resnet18 \| 64 \| 2 \| \d+ \|.*\| \d+\.\d \| \d+ \|$/m);
    expect(lines.some((l) => l.startsWith('traced onnx cpu-resnet18 64px batch 2'))).toBe(true);
  }, 180_000);
});
