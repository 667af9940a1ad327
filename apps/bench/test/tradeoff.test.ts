import { describe, expect, it } from 'vitest';
import { tradeoffPoints, tradeoffSvg, type AccuracyReport, type MethodResult } from '../src/accuracy/index.js';

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
