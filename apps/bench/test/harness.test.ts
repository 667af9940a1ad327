import { describe, expect, it } from 'vitest';
import { describeMachine, vectorFlops } from '../src/machine.js';
import { toMarkdown, toScalingSvg, toSvg, type BenchReport } from '../src/report.js';
import { measure, summarize } from '../src/stats.js';

describe('stats', () => {
  it('summarises median, extremes and relative IQR', () => {
    const t = summarize([5, 1, 3, 2, 4]);
    expect(t).toMatchObject({ medianMs: 3, minMs: 1, maxMs: 5, reps: 5 });
    expect(t.spread).toBeCloseTo((4 - 2) / 3);
    expect(() => summarize([])).toThrow(/no samples/);
  });

  it('runs warm-up calls untimed and stops at the budget', async () => {
    let calls = 0;
    const t = await measure(async () => void calls++, { warmup: 2, reps: 5 });
    expect(calls).toBe(7);
    expect(t.reps).toBe(5);
    let slow = 0;
    const u = await measure(async () => {
      slow++;
      await new Promise((r) => setTimeout(r, 20));
    }, { warmup: 0, reps: 100, budgetMs: 30 });
    expect(u.reps).toBeLessThan(5);
    expect(slow).toBe(u.reps);
  });
});

describe('machine', () => {
  it('derives peak from cores, vector width and clock', () => {
    const m = describeMachine({});
    expect(m.cores).toBeGreaterThan(0);
    expect(m.peakGflops).toBeCloseTo(m.cores * m.flopsPerCycle * m.ghz);
    expect(m.peakNote).toContain(`${m.cores} cores`);
  });

  it('counts AVX-512 as 64 FLOP/cycle, but 32 on AMD Zen 4 (256-bit units), AVX2+FMA 32, else 8', () => {
    const cpu = (flags: string[], vendor = 'GenuineIntel', family = 6) => ({ flags: new Set(flags), vendor, family });
    expect(vectorFlops(cpu(['avx512f', 'avx2', 'fma'])).flopsPerCycle).toBe(64);
    expect(vectorFlops(cpu(['avx512f', 'avx2', 'fma'], 'AuthenticAMD', 25)).flopsPerCycle).toBe(32);
    expect(vectorFlops(cpu(['avx512f', 'avx2', 'fma'], 'AuthenticAMD', 26)).flopsPerCycle).toBe(64);
    expect(vectorFlops(cpu(['avx2', 'fma'], 'AuthenticAMD', 25)).flopsPerCycle).toBe(32);
    expect(vectorFlops(cpu(['sse2'])).flopsPerCycle).toBe(8);
  });

  it('takes a measured peak from MSFLOW_PEAK_GFLOPS and rejects a bad one', () => {
    const m = describeMachine({ MSFLOW_PEAK_GFLOPS: '233' });
    expect(m.peakGflops).toBe(233);
    expect(m.peakNote).toMatch(/^measured, MSFLOW_PEAK_GFLOPS; derived: .* cores/);
    expect(() => describeMachine({ MSFLOW_PEAK_GFLOPS: 'fast' })).toThrow(/MSFLOW_PEAK_GFLOPS must be a positive number of GFLOP\/s, got 'fast'/);
  });
});

describe('report', () => {
  const report: BenchReport = {
    date: '2026-01-01T00:00:00Z',
    quick: true,
    machine: { ...describeMachine(), cpuModel: 'Test CPU <x>' },
    versions: {},
    backends: { tfjs: 'cpu' },
    parity: [{ backend: 'onnx', reference: 'tfjs', size: 64, maxAbsMap: 2e-6, meanAbsMap: 1e-7, maxAbsScore: 0, meanAbsScore: 0 }],
    entries: [
      { backend: 'tfjs', detail: 'cpu', name: 'matmul 2x2x2', kind: 'op', timing: summarize([1, 2, 3]), flops: 16, gflops: 0.5, peakShare: 0.01, rssMiB: 100 },
      { backend: 'tfjs', detail: 'cpu', name: 'inference 64px batch 1', kind: 'model', timing: summarize([100]), imagesPerSecond: 10, rssMiB: 100 },
      { backend: 'tfjs', detail: 'cpu', name: 'inference 64px batch 2', kind: 'model', timing: summarize([100]), imagesPerSecond: 20, rssMiB: 100 },
      { backend: 'onnx', detail: 'ort', name: 'inference 64px batch 1', kind: 'model', timing: summarize([50]), imagesPerSecond: 40, rssMiB: 100 },
    ],
    skipped: [{ backend: 'webgpu', reason: 'no adapter' }],
  };

  it('renders a Markdown table with skips and reasons', () => {
    const md = toMarkdown(report);
    expect(md).toContain('| tfjs | matmul 2x2x2 | 2.00 |');
    expect(md).toContain('- webgpu: no adapter');
    expect(md).toContain('| onnx | inference 64px batch 1 | 50.0 | 0% | 40.00 | 4.00 |');
    expect(md).toContain('| onnx | 64 | 2.0e-6 | 1.0e-7 | 0 | 0 |');
  });

  it('draws one scaling line per backend and size', () => {
    const svg = toScalingSvg(report);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('tfjs 64px');
  });

  it('renders escaped SVG bars', () => {
    const svg = toSvg(report);
    expect(svg).toContain('Test CPU &lt;x&gt;');
    expect(svg).toContain('0.50 GFLOP/s');
  });
});
