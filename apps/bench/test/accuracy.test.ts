import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticClass } from '@msflow/data';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracyMarkdown, bankRows, parseAccuracyArgs, runAccuracy, writeAccuracyReport, type AccuracyReport } from '../src/accuracy/index.js';
import { parseBenchArgs } from '../src/cli.js';
import { describeMachine } from '../src/machine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'msflow-accuracy-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('accuracy flags', () => {
  it('takes msflow train flags and the kNN options', () => {
    const a = parseAccuracyArgs(['--accuracy', '--data', 'd', '--class', 'tire,magnetic_tile', '--size', '256', '--epochs', '3', '--sub-epochs', '2', '--knn-coreset', 'greedy', '--knn-bank', '5000', '--out', 'o']);
    expect(a.classes).toEqual(['tire', 'magnetic_tile']);
    expect(a.methods).toEqual(['msflow', 'knn']);
    expect(a.train.config.inputSize).toEqual([256, 256]);
    expect(a.train.config.train).toMatchObject({ metaEpochs: 3, subEpochs: 2 });
    expect(a.train.out).toMatch(/o[\\/]runs$/);
    expect(a.knn).toMatchObject({ taps: [1, 2], window: 3, coreset: 'greedy', bank: 5000, sigma: 4, imageScore: 'map' });
    expect(parseBenchArgs(['--accuracy', '--data', 'd', '--class', 'x']).accuracy?.classes).toEqual(['x']);
  });

  it.each([
    [['--data', 'd', '--class', 'x', '--bogus', '1'], /^unknown argument --bogus/],
    [['--data', 'd', '--class'], /^--class needs a value/],
    [['--class', 'x'], /^--data: required/],
    [['--data', 'd'], /^--class: required/],
    [['--data', 'd', '--class', 'x', '--methods', 'msflow,svm'], /^--methods: expected a list of msflow, knn/],
    [['--data', 'd', '--class', 'x', '--knn-bank', '0'], /^--knn-bank: expected a row count/],
    [['--data', 'd', '--class', 'x', '--knn-bank', '2.5'], /^--knn-bank/],
    [['--data', 'd', '--class', 'x', '--knn-taps', '1,3'], /^--knn-taps: tap 3 does not exist/],
    [['--data', 'd', '--class', 'x', '--knn-window', '2'], /^--knn-window: expected an odd/],
    [['--data', 'd', '--class', 'x', '--knn-coreset', 'kmeans'], /^--knn-coreset: expected one of none, random, greedy/],
    [['--data', 'd', '--class', 'x', '--epochs', '0'], /--epochs/],
    [['--data', 'd', '--class', 'x', '--size', '100'], /^--size: expected N or HxW \(height x width\), each a multiple of 32/],
  ])('%j fails naming the flag', (args, message) => {
    expect(() => parseAccuracyArgs(args)).toThrow(message);
  });

  it('a bank fraction or count becomes rows', () => {
    expect(bankRows(0.1, 1000)).toBe(100);
    expect(bankRows(1, 1000)).toBe(1000);
    expect(bankRows(300, 1000)).toBe(300);
    expect(bankRows(5000, 1000)).toBe(1000);
  });
});

function fakeReport(): AccuracyReport {
  return {
    schema: 'msflow-accuracy/1',
    date: '2026-12-04T12:00:00.000Z',
    machine: { hostname: 'box', ...describeMachine() },
    versions: { node: 'v20' },
    settings: { preset: 'cpu', inputSize: [256, 256] },
    seconds: 12.5,
    results: [
      { className: 'tire', method: 'msflow', status: 'completed', last: { imageAuroc: 0.8123, pixelAuroc: 0.95, aupro: 0.7 }, best: { imageAuroc: { value: 0.9, metaEpoch: 2 } }, metaEpochs: 4, epochs: [{ metaEpoch: 0, lossPerDim: -1.2345, valLossPerDim: -1.1, metrics: { imageAuroc: 0.6, pixelAuroc: 0.97, aupro: 0.8 } }, { metaEpoch: 1, lossPerDim: -2.5, metrics: { imageAuroc: 0.8123, pixelAuroc: 0.95, aupro: 0.7 } }], timings: { features: 10, train: 300, test: 20 }, compute: 'traced onnx (cpu, 2 threads)' },
      { className: 'tire', method: 'knn', status: 'completed', last: { imageAuroc: 0.638, pixelAuroc: 0.9, aupro: 0.5 }, byType: [{ type: 'cut', images: 27, imageAuroc: 0.61, pixelAuroc: 0.864, anomalousPixels: 671, pixelShare: 0.1987 }, { type: 'hole', images: 27 }], timings: { features: 10, train: 2, test: 5 }, compute: 'kNN, matmul on onnx', details: { taps: [1, 2], grid: [16, 16], dim: 1536, window: 3, bank: 5376, patches: 53760, coreset: 'random', seed: 0, sigma: 4, imageScore: 'map' } },
      { className: 'magnetic_tile', method: 'msflow', status: 'failed', error: 'out of | memory', last: {}, timings: { features: 0, train: 0, test: 0 }, compute: '—' },
      { className: 'magnetic_tile', method: 'knn', status: 'completed', last: { imageAuroc: 0.7, pixelAuroc: 0.8, aupro: 0.4 }, timings: { features: 30, train: 4, test: 9 }, compute: 'kNN, matmul on onnx' },
    ],
  };
}

describe('accuracy report', () => {
  it('writes a last-epoch table, a labelled best-epoch table and means', () => {
    const md = accuracyMarkdown(fakeReport());
    expect(md).toContain('on `box`');
    expect(md).toContain('| tire | msflow | 81.2 | 95.0 | 70.0 | 10.0 | 300 | 20.0 | traced onnx (cpu, 2 threads) | completed |');
    expect(md).toContain('| tire | knn | 63.8 | 90.0 | 50.0 | 10.0 | 2.0 | 5.0 | kNN, matmul on onnx | completed |');
    expect(md).toContain('| magnetic_tile | msflow | — | — | — | 0.0 | 0.0 | 0.0 | — | failed: out of \\| memory |');
    expect(md).toContain('## Best epoch (test-set selected)');
    expect(md).toContain('| tire | msflow | 90.0 (3) | — | — | 4 |');
    // Means only where every class has the metric: MSFlow failed on one class, kNN has both.
    expect(md).toContain('| **mean** | msflow | — | — | — |');
    expect(md).toContain('| **mean** | knn | 66.9 | 85.0 | 45.0 |');
    expect(md).toMatch(/bank 5376 of 53760 patches \(random, seed 0\)/);
    expect(md.indexOf('## Last epoch')).toBeLessThan(md.indexOf('## Best epoch'));
    // The curve: an early peak in pixel AUROC stays visible.
    expect(md).toContain('| tire | msflow | 1 | -1.234 | -1.100 | 60.0 | 97.0 | 80.0 |');
    expect(md).toContain('| tire | msflow | 2 | -2.500 | — | 81.2 | 95.0 | 70.0 |');
    expect(md).not.toMatch(/\| tire \| knn \| 1 \|/);
    expect(md).toContain('## Per defect type (last epoch)');
    expect(md).toContain('| tire | knn | cut | 27 | 61.0 | 86.4 | 19.9 |');
    expect(md).toContain('| tire | knn | hole | 27 | — | — | — |');
    expect(md).not.toMatch(/\| tire \| msflow \| cut \|/);
  });

  it('writes accuracy.json (the report as is) and accuracy.md', () => {
    const dir = tmp();
    const files = writeAccuracyReport(fakeReport(), join(dir, 'out'));
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(fakeReport() as unknown as Record<string, unknown>);
    expect(readFileSync(files.markdown, 'utf8')).toBe(accuracyMarkdown(fakeReport()));
  });
});

describe('accuracy benchmark on a tiny synthetic class', () => {
  it('trains MSFlow and runs the kNN baseline on the same features; the baseline detects the anomalies', async () => {
    const dir = tmp();
    writeSyntheticClass(join(dir, 'data'), { family: 'woven', size: 64, seed: 3, trainCount: 8, testGoodCount: 4, testAnomalyCount: 4 });
    const args = parseAccuracyArgs(['--data', join(dir, 'data'), '--class', 'synth_woven', '--size', '64', '--preset', 'cpu-resnet18', '--backbone', 'random', '--epochs', '2', '--sub-epochs', '1', '--batch-size', '4', '--knn-bank', '0.5', '--out', join(dir, 'out')]);
    const lines: string[] = [];
    const partials: number[] = [];
    const report = await runAccuracy(args, { log: (l) => lines.push(l), out: quietOutput(lines), onClass: (p) => partials.push(p.results.length) });
    expect(partials).toEqual([2]); // a snapshot after the class, with both methods
    const [msflow, knn] = report.results;
    expect(msflow).toMatchObject({ className: 'synth_woven', method: 'msflow', status: 'completed', metaEpochs: 2, images: { train: 8, test: 8 } });
    expect(knn).toMatchObject({ className: 'synth_woven', method: 'knn', status: 'completed', images: { train: 8, test: 8 } });
    // The same features: the kNN row reports the time of the one backbone pass MSFlow made.
    expect(knn.timings.features).toBe(msflow.timings.features);
    expect(Object.keys(msflow.best ?? {}).sort()).toEqual(['aupro', 'imageAuroc', 'pixelAuroc']);
    // One history entry per meta-epoch; the last is the final model's evaluation.
    expect(msflow.epochs?.map((e) => e.metaEpoch)).toEqual([0, 1]);
    expect(msflow.epochs?.[1].metrics).toEqual(msflow.last);
    for (const e of msflow.epochs ?? []) expect(Number.isFinite(e.lossPerDim)).toBe(true);
    expect(knn.details).toMatchObject({ taps: [1, 2], grid: [4, 4], dim: 384, patches: 128, bank: 64, coreset: 'random' });
    // Two passes over 8 images: MSFlow's numbers are only checked to be there, not to be good.
    for (const k of ['imageAuroc', 'pixelAuroc', 'aupro'] as const) expect(msflow.last[k]).toBeGreaterThanOrEqual(0);
    expect(report.settings).toMatchObject({ inputSize: [64, 64], metaEpochs: 2, subEpochs: 1 });
    expect(accuracyMarkdown(report)).toContain('| synth_woven | knn |');

    // kNN only (features through the same pipeline, no MSFlow model built), on the pretrained
    // backbone: the baseline must find the synthetic defects.
    const only = await runAccuracy(parseAccuracyArgs(['--data', join(dir, 'data'), '--class', 'synth_woven', '--size', '64', '--methods', 'knn', '--knn-coreset', 'none', '--out', join(dir, 'out2')]), { log: () => {}, out: quietOutput([]) });
    expect(only.results.map((r) => [r.method, r.status])).toEqual([['knn', 'completed']]);
    expect(only.results[0].details).toMatchObject({ bank: 128, coreset: 'none', dim: 1536 });
    expect(only.results[0].last.imageAuroc).toBeGreaterThanOrEqual(0.9);
    expect(only.results[0].last.pixelAuroc).toBeGreaterThan(0.8);
    // Per defect type: every synthetic defect folder, against the normal test images.
    const kinds = only.results[0].byType ?? [];
    expect(kinds.reduce((n, t) => n + t.images, 0)).toBe(4);
    expect(kinds.reduce((n, t) => n + (t.pixelShare ?? 0), 0)).toBeCloseTo(1, 9);
    expect(accuracyMarkdown(only)).toContain('## Per defect type (last epoch)');
    expect(report.results[0].byType?.map((t) => t.type).sort()).toEqual(kinds.map((t) => t.type).sort());

    // A missing class folder fails before any class runs.
    await expect(runAccuracy(parseAccuracyArgs(['--data', join(dir, 'data'), '--class', 'synth_woven,nosuch', '--out', join(dir, 'out3')]), { log: () => {}, out: quietOutput([]) })).rejects.toThrow(/nosuch: folder not found/);
  }, 300_000);
});

/** An Output that records logs and draws no progress bars. */
function quietOutput(lines: string[]) {
  return {
    json: false,
    color: false,
    log: (...a: unknown[]) => void lines.push(a.join(' ')),
    warn: (...a: unknown[]) => void lines.push(a.join(' ')),
    result: () => {},
    progress: () => ({ tick() {}, end() {}, log: (l: string) => void lines.push(l) }),
  };
}
