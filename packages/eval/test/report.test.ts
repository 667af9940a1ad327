import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildRunReport,
  compareRunFiles,
  compareRuns,
  comparisonHtml,
  comparisonMarkdown,
  loadAnomalyMaps,
  readRunResult,
  renderRunReport,
  RUN_RESULT_SCHEMA,
  RunResultError,
  validateRunResult,
  writeComparison,
  writeRunReport,
  writeRunResult,
  writeRunResultWithMaps,
  type RunResult,
} from '../src/index.js';
import { tempDir } from '@msflow/data/testing';

const tmp = tempDir();
afterAll(tmp.cleanup);

function result(backend: string, extra: Partial<RunResult> = {}): RunResult {
  return {
    schema: RUN_RESULT_SCHEMA,
    dataset: { name: 'synthetic', className: 'woven', inputSize: [8, 8], testImages: 2 },
    backend: { name: backend, detail: 'cpu', device: '2-core EPYC' },
    metrics: { imageAuroc: 0.95, pixelAuroc: 0.9, aupro: 0.8 },
    timings: { train: 12.5, inference: 0.7 },
    imageScores: [0.1, 0.9],
    labels: [0, 1],
    ...extra,
  };
}

describe('RunResult schema', () => {
  it('validates and lists every problem', () => {
    expect(validateRunResult(JSON.parse(JSON.stringify(result('tfjs'))))).toBeTruthy();
    let err: unknown;
    try {
      validateRunResult({ schema: 'x', dataset: {}, metrics: { a: 'high' }, timings: [], imageScores: [1], labels: [0, 1] }, 'r.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunResultError);
    const problems = (err as RunResultError).problems;
    expect(problems.length).toBeGreaterThanOrEqual(5);
    expect((err as Error).message).toMatch(/^r\.json: not a valid run result: schema must be/);
    expect(() => validateRunResult({ ...result('a'), anomalyMaps: { inline: [1, 2], shape: [1, 2, 2] } })).toThrow(/inline must hold/);
    expect(() => validateRunResult({ ...result('a'), byType: [{ type: 'crack' }] })).toThrow(/byType must be an array/);
    expect(validateRunResult({ ...result('a'), byType: [{ type: 'crack', images: 3, pixelAuroc: 0.9 }] }).byType?.[0].type).toBe('crack');
  });

  it('writes JSON atomically and round-trips maps through safetensors', () => {
    const maps = Float32Array.from({ length: 2 * 8 * 8 }, (_, i) => i / 128);
    const file = join(tmp.dir, 'tfjs', 'result.json');
    const written = writeRunResultWithMaps(file, result('tfjs'), { data: maps, shape: [2, 8, 8] });
    expect(written.anomalyMaps).toEqual({ file: 'result.maps.safetensors', format: 'safetensors', tensor: 'maps', shape: [2, 8, 8] });
    const back = readRunResult(file);
    expect(back.metrics).toEqual({ imageAuroc: 0.95, pixelAuroc: 0.9, aupro: 0.8 });
    const loaded = loadAnomalyMaps(back, join(tmp.dir, 'tfjs'))!;
    expect([...loaded.data]).toEqual([...maps]);
    const inline = result('x', { anomalyMaps: { inline: [1, 2, 3, 4], shape: [1, 2, 2] } });
    expect([...loadAnomalyMaps(inline)!.data]).toEqual([1, 2, 3, 4]);
    expect(loadAnomalyMaps(result('y'))).toBeUndefined();
    writeRunResult(join(tmp.dir, 'plain.json'), result('z'));
    expect(JSON.parse(readFileSync(join(tmp.dir, 'plain.json'), 'utf8')).backend.name).toBe('z');
    expect(() => readRunResult(join(tmp.dir, 'missing.json'))).toThrow(RunResultError);
  });
});

describe('backend comparison', () => {
  it('tables of metrics and timings, and the maximum map difference with its location', () => {
    const a = new Float32Array(2 * 4 * 4).fill(0.5);
    const b = a.slice();
    b[16 + 4 * 2 + 3] += 0.25; // image 1, y 2, x 3
    b[0] -= 1e-6;
    const c = compareRuns([
      { result: result('tfjs'), maps: { data: a, shape: [2, 4, 4] } },
      { result: result('onnx', { metrics: { imageAuroc: 0.96, pixelAuroc: 0.9, aupro: 0.81, extra: 0.5 }, imageScores: [0.1, 0.7] }), maps: { data: b, shape: [2, 4, 4] } },
      { result: result('webgpu') },
    ]);
    expect(c.metricNames).toEqual(['imageAuroc', 'pixelAuroc', 'aupro', 'extra']);
    expect(c.timingNames).toEqual(['inference', 'train']);
    expect(c.pairs).toHaveLength(3);
    const p = c.pairs[0];
    expect(p.maxAbsMapDiff).toBeCloseTo(0.25, 6);
    expect(p.at).toEqual({ image: 1, y: 2, x: 3 });
    expect(p.maxAbsScoreDiff).toBeCloseTo(0.2, 12);
    expect(c.pairs[1].note).toMatch(/maps missing/);
    const md = comparisonMarkdown(c);
    expect(md).toContain('| backend | class | image AUROC | pixel AUROC | AUPRO@0.3 | extra |');
    expect(md).toContain('| onnx (cpu) | woven | 96.00 | 90.00 | 81.00 | 50.00 |');
    expect(md).toContain('| tfjs (cpu) | woven | 95.00 | 90.00 | 80.00 | – |');
    expect(md).toMatch(/\| tfjs \(cpu\) \| onnx \(cpu\) \| 0\.2500 \|/);
    expect(comparisonHtml(c)).toContain('<caption>Differences between backends</caption>');
  });

  it('reads result files and writes Markdown + HTML', () => {
    const maps = new Float32Array(8 * 8 * 2);
    writeRunResultWithMaps(join(tmp.dir, 'cmp', 'a.json'), result('a'), { data: maps, shape: [2, 8, 8] });
    writeRunResultWithMaps(join(tmp.dir, 'cmp', 'b.json'), result('b'), { data: maps.map((v, i) => (i === 5 ? 1e-4 : v)), shape: [2, 8, 8] });
    const c = compareRunFiles([join(tmp.dir, 'cmp', 'a.json'), join(tmp.dir, 'cmp', 'b.json')]);
    expect(c.pairs[0].maxAbsMapDiff).toBeCloseTo(1e-4, 9);
    const out = writeComparison(join(tmp.dir, 'cmp', 'compare'), c);
    expect(readFileSync(out.markdown, 'utf8')).toContain('1.00e-4');
    expect(readFileSync(out.html, 'utf8')).toContain('<!DOCTYPE html>');
  });
});

describe('per-run HTML report', () => {
  it('metrics (last and best), timings, curves and sheets', () => {
    const r = result('tfjs', { epoch: 24, best: { metrics: { imageAuroc: 0.97 }, epochs: { imageAuroc: 7 } } });
    const report = buildRunReport(r, {
      imageRoc: { fpr: Float64Array.of(0, 0, 1), tpr: Float64Array.of(0, 1, 1) },
      pro: { fpr: [0, 0.1, 0.3], pro: [0, 0.7, 0.9] },
      sheets: [{ caption: 'test set', image: { width: 2, height: 2, data: new Uint8Array(12) } }],
    });
    expect(report.title).toBe('synthetic / woven');
    const html = renderRunReport(r, { imageRoc: { fpr: [0, 1], tpr: [0, 1] } as never });
    expect(html).toContain('last (epoch 24)');
    expect(html).toContain('<td class="num">97.00</td>');
    expect(html).toContain('<td>7</td>');
    const file = join(tmp.dir, 'run', 'report.html');
    writeRunReport(file, r, { sheets: [{ caption: 's', image: { width: 1, height: 1, data: new Uint8Array(3) } }] });
    expect(readFileSync(file, 'utf8')).toContain('data:image/png;base64,');
  });
});
