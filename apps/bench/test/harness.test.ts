import { describe, expect, it } from 'vitest';
import { describeMachine } from '../src/machine.js';
import { toMarkdown, toSvg, type BenchReport } from '../src/report.js';
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
    const m = describeMachine();
    expect(m.cores).toBeGreaterThan(0);
    expect(m.peakGflops).toBeCloseTo(m.cores * m.flopsPerCycle * m.ghz);
    expect(m.peakNote).toContain(`${m.cores} cores`);
  });
});

describe('report', () => {
  const report: BenchReport = {
    date: '2026-01-01T00:00:00Z',
    quick: true,
    machine: { ...describeMachine(), cpuModel: 'Test CPU <x>' },
    versions: {},
    entries: [
      { backend: 'tfjs', detail: 'cpu', name: 'matmul 2x2x2', kind: 'op', timing: summarize([1, 2, 3]), flops: 16, gflops: 0.5, peakShare: 0.01, rssMiB: 100 },
    ],
    skipped: [{ backend: 'webgpu', reason: 'no adapter' }],
  };

  it('renders a Markdown table with skips and reasons', () => {
    const md = toMarkdown(report);
    expect(md).toContain('| tfjs | matmul 2x2x2 | 2.00 |');
    expect(md).toContain('- webgpu: no adapter');
  });

  it('renders escaped SVG bars', () => {
    const svg = toSvg(report);
    expect(svg).toContain('Test CPU &lt;x&gt;');
    expect(svg).toContain('0.50 GFLOP/s');
  });
});
