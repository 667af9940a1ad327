import { describe, expect, it } from 'vitest';
import { mergeSeeds, spreadTable, tradeoffPoints, tradeoffSvg, type AccuracyReport, type MethodResult } from '../src/accuracy/index.js';

function report(results: MethodResult[]): AccuracyReport {
  return { schema: 'msflow-accuracy/1', date: '2026-12-06T00:00:00.000Z', machine: { hostname: 'box' } as AccuracyReport['machine'], versions: {}, settings: {}, results, seconds: 1 };
}

const msflow = (className: string, cpu: MethodResult['cpu'], last: MethodResult['last'], status: MethodResult['status'] = 'completed'): MethodResult => ({
  className,
  method: 'msflow',
  status,
  last,
  timings: { features: 30, train: 270, test: 50 },
  ...(cpu ? { cpu } : {}),
  compute: 'traced onnx',
});
const knn: MethodResult = { className: 'bottle', method: 'knn', status: 'completed', last: { imageAuroc: 1, pixelAuroc: 0.97, aupro: 0.85 }, timings: { features: 30, train: 5, test: 40 }, cpu: { features: 60, train: 6, test: 70 }, compute: 'kNN' };

describe('accuracy against minutes', () => {
  it('counts features + training CPU time over the given CPUs, falls back to wall time, skips failed runs and kNN unless asked', () => {
    const a = report([msflow('bottle', { features: 60, train: 540, test: 90 }, { imageAuroc: 1, pixelAuroc: 0.975, aupro: 0.86 }), knn]);
    const b = report([msflow('bottle', undefined, { imageAuroc: 0.99, pixelAuroc: 0.96, aupro: 0.8 }), msflow('tire', undefined, {}, 'failed')]);
    const points = tradeoffPoints([{ report: a, series: 'cpu', label: '256 px', knn: true }, { report: b, series: 'cpu', label: '192 px' }], 2);
    expect(points).toEqual([
      { className: 'bottle', method: 'msflow', series: 'cpu', label: '256 px', minutes: 5, metrics: { imageAuroc: 1, pixelAuroc: 0.975, aupro: 0.86 } },
      { className: 'bottle', method: 'knn', series: 'kNN', label: '256 px', minutes: 0.55, metrics: knn.last },
      // No CPU times: wall seconds of features + train.
      { className: 'bottle', method: 'msflow', series: 'cpu', label: '192 px', minutes: 5, metrics: { imageAuroc: 0.99, pixelAuroc: 0.96, aupro: 0.8 } },
    ]);
    expect(tradeoffPoints([{ report: a, series: 'cpu', label: 'x' }], 1).map((p) => p.method)).toEqual(['msflow']);
    expect(() => tradeoffPoints([], 0)).toThrow(/cpus must be positive/);
  });

  it('draws a row of three panels per class, a marker per point and metric, series joined by a line, targets dashed', () => {
    const points = tradeoffPoints(
      [
        { report: report([msflow('bottle', { features: 30, train: 300, test: 9 }, { imageAuroc: 1, pixelAuroc: 0.97, aupro: 0.84 }), msflow('tire', { features: 10, train: 100, test: 9 }, { imageAuroc: 0.55, pixelAuroc: 0.87, aupro: 0.57 })]), series: 'cpu', label: '256 px' },
        { report: report([msflow('bottle', { features: 60, train: 900, test: 9 }, { imageAuroc: 1, pixelAuroc: 0.985, aupro: 0.92 }), knn]), series: 'cpu', label: '<384> & more', knn: true },
      ],
      2,
    );
    const svg = tradeoffSvg(points, { title: 'two classes', targets: [{ className: 'bottle', metric: 'pixelAuroc', value: 0.975, label: 'default target 97.5' }] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>two classes</text>');
    // bottle: 2 MSFlow points x 3 metrics; tire: 1 x 3. kNN: hollow squares, 3 of them.
    expect(svg.match(/<circle /g)).toHaveLength(9);
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="7"/g)).toHaveLength(3);
    // The two bottle points of series cpu are joined in each panel; tire's single point is not.
    expect(svg.match(/<path d="M/g)).toHaveLength(3);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(1);
    expect(svg).toContain('default target 97.5');
    expect(svg).toContain('&lt;384&gt; &amp; more');
    expect(svg).not.toContain('<384>');
    expect(svg).toContain('>bottle</text>');
    expect(svg).toContain('>tire</text>');
  });
});

describe('seed spreads', () => {
  const seed = (className: string, minutes: number, last: MethodResult['last']) => report([msflow(className, { features: 0, train: minutes * 120, test: 0 }, last)]);

  it('merges the runs of one setting into means with their range, keeps single runs as they are', () => {
    const points = tradeoffPoints(
      [
        { report: seed('bottle', 6, { imageAuroc: 1, pixelAuroc: 0.984, aupro: 0.89 }), series: 'cpu', label: '320 px' },
        { report: seed('bottle', 7, { imageAuroc: 0.99, pixelAuroc: 0.98, aupro: 0.87 }), series: 'cpu', label: '320 px' },
        { report: seed('tire', 5, { imageAuroc: 0.6, pixelAuroc: 0.9 }), series: 'cpu', label: '320 px' },
        { report: seed('bottle', 8, { imageAuroc: 1, pixelAuroc: 0.976, aupro: 0.91 }), series: 'cpu', label: '320 px' },
      ],
      2,
    );
    const merged = mergeSeeds(points);
    expect(merged.map((p) => [p.className, p.spread?.runs])).toEqual([
      ['bottle', 3],
      ['tire', undefined],
    ]);
    const [b, t] = merged;
    expect(b.minutes).toBeCloseTo(7, 12);
    expect(b.metrics.imageAuroc).toBeCloseTo(2.99 / 3, 12);
    expect(b.metrics.pixelAuroc).toBeCloseTo(0.98, 12);
    expect(b.metrics.aupro).toBeCloseTo(0.89, 12);
    expect(b.spread).toEqual({ runs: 3, min: { imageAuroc: 0.99, pixelAuroc: 0.976, aupro: 0.87 }, max: { imageAuroc: 1, pixelAuroc: 0.984, aupro: 0.91 } });
    expect(t).toEqual(points[2]);
    // Different labels or series are different settings.
    expect(mergeSeeds([points[0], { ...points[1], label: '384 px' }]).map((p) => p.spread)).toEqual([undefined, undefined]);

    const table = spreadTable(merged);
    expect(table.split('\n')[0]).toBe('| class | method | setting | runs | image AUROC | pixel AUROC | AUPRO | minutes |');
    expect(table).toContain('| bottle | cpu | 320 px | 3 | 99.7 [99.0-100.0] | 98.0 [97.6-98.4] | 89.0 [87.0-91.0] | 7.0 |');
    expect(table).toContain('| tire | cpu | 320 px | 1 | 60.0 | 90.0 |  | 5.0 |');
  });

  it('draws a range bar per metric for a merged point, and its range widens the axis', () => {
    const merged = mergeSeeds(
      tradeoffPoints(
        [
          { report: seed('bottle', 6, { imageAuroc: 1, pixelAuroc: 0.99, aupro: 0.89 }), series: 'cpu', label: '320 px' },
          { report: seed('bottle', 7, { imageAuroc: 1, pixelAuroc: 0.95, aupro: 0.87 }), series: 'cpu', label: '320 px' },
        ],
        2,
      ),
    );
    const svg = tradeoffSvg(merged);
    expect(svg.match(/<line class="range"/g)).toHaveLength(3);
    // The pixel AUROC panel's axis reaches below the lower run (95 %): a label at 94 or lower.
    expect(svg).toMatch(/text-anchor="end" font-size="10">9[0-4]<\/text>/);
    expect(tradeoffSvg([{ ...merged[0], spread: undefined }])).not.toContain('class="range"');
    // The legend column widens for a long series name, so the name is not cut off.
    const long = 'MSFlow, 2 x 1 passes (320 px: the default input size)';
    const width = (svg: string) => Number(/^<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    expect(width(tradeoffSvg([{ ...merged[0], series: long }]))).toBeGreaterThanOrEqual(width(svg) + 7 * long.length + 20 - 150);
  });
});
