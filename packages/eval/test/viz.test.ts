import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodePng,
  type RgbImage,
} from '@msflow/data';
import {
  contactSheet,
  curveSvg,
  defectOverlay,
  drawContour,
  heatmapOverlay,
  jet,
  JET_LUT,
  maskBoundary,
  proSvg,
  renderHtmlReport,
  rgbToPng,
  rocSvg,
  thinCurve,
  thresholdMap,
  writeHtmlReport,
  writeRgbPng,
} from '../src/index.js';
import { tempDir } from '@msflow/data/testing';

const tmp = tempDir();
afterAll(tmp.cleanup);

const grey = (w: number, h: number, v: number): RgbImage => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });

describe('jet colormap', () => {
  it('matches matplotlib jet at the ends and key points', () => {
    expect(jet(0)).toEqual([0, 0, 127]); // (0, 0, 0.5)
    expect(jet(1)).toEqual([127, 0, 0]); // (0.5, 0, 0)
    expect(jet(-5)).toEqual(jet(0));
    expect(jet(0.5)[1]).toBe(255); // green plateau 0.375..0.64
    expect(jet(0.2)[2]).toBe(255); // blue plateau 0.11..0.34
    expect(jet(0.75)[0]).toBe(255); // red plateau 0.66..0.89
    expect(JET_LUT.length).toBe(768);
  });
});

describe('overlays and contours', () => {
  it('blends jet at alpha 0.4', () => {
    const img = grey(2, 1, 100);
    const out = heatmapOverlay(img, [0, 1]);
    expect([...out.data.subarray(0, 3)]).toEqual([60, 60, Math.round(0.6 * 100 + 0.4 * 127)]);
    expect([...out.data.subarray(3, 6)]).toEqual([Math.round(60 + 0.4 * 127), 60, 60]);
    const fixed = heatmapOverlay(img, [5, 5], { vmin: 0, vmax: 10, alpha: 1 });
    expect([...fixed.data.subarray(0, 3)]).toEqual(jet(0.5));
    expect(() => heatmapOverlay(img, [1])).toThrow(/1 values/);
  });

  it('draws mask outlines', () => {
    const mask = new Uint8Array(25);
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) mask[y * 5 + x] = 1;
    const edge = maskBoundary(mask, 5, 5);
    expect(edge.reduce((a, b) => a + b, 0)).toBe(8); // 3x3 square: all but the centre
    expect(edge[12]).toBe(0);
    const out = drawContour(grey(5, 5, 0), mask, [0, 255, 0]);
    expect(out.data[(1 * 5 + 1) * 3 + 1]).toBe(255);
    expect(out.data[12 * 3 + 1]).toBe(0);
    expect([...thresholdMap([0.1, 0.5, 0.9], 0.5)]).toEqual([0, 1, 1]);
  });

  it('defect overlay: the contour of map ≥ threshold drawn over a heatmap on a fixed colour scale', () => {
    // 6x6 map: a 3x3 defect (value 9) at rows/cols 1-3, normal texture 1 elsewhere.
    const map = Float32Array.from({ length: 36 }, (_, i) => (Math.floor(i / 6) >= 1 && Math.floor(i / 6) <= 3 && i % 6 >= 1 && i % 6 <= 3 ? 9 : 1));
    const px = (img: RgbImage, i: number) => [...img.data.subarray(i * 3, i * 3 + 3)];
    const scale = { vmin: 0, vmax: 10, threshold: 5 };
    const out = defectOverlay(grey(6, 6, 100), map, scale);
    // The defect's boundary (8 of its 9 pixels) is white; its centre and the rest are heatmap.
    for (const i of [7, 8, 9, 13, 15, 19, 20, 21]) expect(px(out, i), `pixel ${i}`).toEqual([255, 255, 255]);
    const heat = heatmapOverlay(grey(6, 6, 100), map, scale);
    expect(px(out, 14)).toEqual(px(heat, 14));
    expect(px(out, 0)).toEqual(px(heat, 0));
    expect(px(out, 14)).not.toEqual([255, 255, 255]);
    // Fixed scale: a normal image (all 1) is coloured exactly as the normal part of the defective
    // one, not stretched to its own range; and it has no contour.
    const normal = defectOverlay(grey(6, 6, 100), new Float32Array(36).fill(1), scale);
    expect(px(normal, 14)).toEqual(px(out, 0));
    expect(normal.data.every((v, i) => v === out.data[i % 3])).toBe(true);
  });

  it('contact sheet layout, label bars, PNG output', () => {
    const items = [0, 1, 2].map((k) => ({
      image: grey(16, 16, 50 * k),
      map: Float32Array.from({ length: 256 }, (_, i) => i / 255),
      mask: Uint8Array.from({ length: 256 }, (_, i) => (i % 16 > 8 ? 1 : 0)),
      label: (k % 2) as 0 | 1,
    }));
    const sheet = contactSheet(items, { columns: 2, threshold: 0.5 });
    // 2 columns of (16 + 4 + 16) plus 3 gaps; 2 rows of (4 + 16) plus 3 gaps.
    expect([sheet.width, sheet.height]).toEqual([2 * 36 + 3 * 4, 2 * 20 + 3 * 4]);
    expect([...sheet.data.subarray((4 * sheet.width + 4) * 3, (4 * sheet.width + 4) * 3 + 3)]).toEqual([40, 180, 40]); // normal: green bar
    const x1 = 4 + 36 + 4;
    expect([...sheet.data.subarray((4 * sheet.width + x1) * 3, (4 * sheet.width + x1) * 3 + 3)]).toEqual([220, 40, 40]); // anomalous: red bar
    const scaled = contactSheet(items, { tile: 32 });
    expect(scaled.height).toBe(32 + 4 + 8);
    const file = join(tmp.dir, 'sheet.png');
    writeRgbPng(file, sheet);
    const back = decodePng(readFileSync(file));
    expect([back.width, back.height, back.channels]).toEqual([sheet.width, sheet.height, 3]);
    expect(() => contactSheet([])).toThrow(/no items/);
  });
});

describe('SVG and HTML', () => {
  it('thins long curves and keeps the end points', () => {
    const x = Float64Array.from({ length: 100001 }, (_, i) => i / 100000);
    const t = thinCurve(x, x, 100);
    expect(t.x.length).toBeLessThan(250);
    expect(t.x[0]).toBe(0);
    expect(t.x[t.x.length - 1]).toBe(1);
  });

  it('curves as SVG with escaped labels', () => {
    const svg = curveSvg([{ name: 'a<b>&"c"', x: [0, 0.5, 1], y: [0, 0.8, 1] }], { title: 'T & U', diagonal: true });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(svg).toContain('T &amp; U');
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(rocSvg([{ name: 'r', x: [0, 1], y: [0, 1] }])).toContain('true positive rate');
    expect(proSvg([{ name: 'p', x: [0, 0.3], y: [0, 0.9] }])).toContain('per-region overlap');
  });

  it('self-contained HTML report with tables, data-URI images and inline SVG', () => {
    const png = rgbToPng(grey(4, 4, 200));
    const html = renderHtmlReport({
      title: 'Run <1>',
      sections: [{ title: 'Metrics', tables: [{ headers: ['metric', 'value'], rows: [['image AUROC', 99.123], ['missing', undefined]] }], images: [{ caption: 'sheet', png }], svgs: [{ svg: '<svg></svg>' }] }],
    });
    expect(html).toContain('<title>Run &lt;1&gt;</title>');
    expect(html).toContain('<td class="num">99.12</td>');
    expect(html).toContain('data:image/png;base64,' + Buffer.from(png).toString('base64'));
    expect(html).toContain('<figure><svg></svg>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const file = join(tmp.dir, 'r', 'report.html');
    writeHtmlReport(file, { title: 'x', sections: [] });
    expect(readdirSync(join(tmp.dir, 'r'))).toEqual(['report.html']);
  });
});
