import { describe, expect, it } from 'vitest';
import {
  IMAGENET,
  lanczos3,
  lanczosCoefficients,
  nearestIndices,
  normalizeRgb8,
  preprocessImage,
  preprocessMask,
  resizeLanczosF32,
  resizeLanczosU8,
  resizeNearest,
  denormalizeToRgb8,
  type RawImage,
} from '../src/index.js';
import { checksum, pattern, pattern2, PIL_H, PIL_LARGE, PIL_REFERENCE, PIL_W } from './fixtures/pil_reference.js';

function patternImage(w: number, h: number, c: number, f: (x: number, y: number, c: number) => number): Uint8Array {
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = f(x, y, k);
  return out;
}

/**
 * Independent, straightforward Lanczos-3 as Pillow defines it: for every output sample, weights
 * lanczos((j + 0.5 - centre) / filterscale) over all input samples j, normalised to sum 1, then
 * (8-bit) 22-bit fixed point rounded half away from zero, accumulated from 2^21 and shifted;
 * horizontal pass over every row, then vertical pass.
 */
function referenceResize(src: Uint8Array, w: number, h: number, C: number, ow: number, oh: number, quantise: boolean): number[] {
  const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
  const kernel = (x: number): number => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0);
  const weights = (inSize: number, outSize: number): number[][] => {
    const scale = inSize / outSize;
    const fs = Math.max(1, scale);
    return Array.from({ length: outSize }, (_, o) => {
      const centre = (o + 0.5) * scale;
      const w = Array.from({ length: inSize }, (_, j) => kernel((j + 0.5 - centre) / fs));
      const s = w.reduce((a, b) => a + b, 0);
      return w.map((v) => v / s);
    });
  };
  const fixed = (v: number): number => (v < 0 ? Math.trunc(-0.5 + v * 2 ** 22) : Math.trunc(0.5 + v * 2 ** 22));
  const finish = (acc: number): number => (quantise ? Math.min(255, Math.max(0, Math.floor(acc / 2 ** 22))) : acc);
  const pass = (get: (i: number) => number, W: number[][], n: number): number => {
    let acc = quantise ? 2 ** 21 : 0;
    for (let j = 0; j < n; j++) acc += get(j) * (quantise ? fixed(W[0][j]) : W[0][j]);
    return finish(acc);
  };
  const wh = ow === w ? null : weights(w, ow);
  const wv = oh === h ? null : weights(h, oh);
  const tmp: number[] = [];
  const tw = wh ? ow : w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < tw; x++) {
      for (let c = 0; c < C; c++) tmp[(y * tw + x) * C + c] = wh ? pass((j) => src[(y * w + j) * C + c], [wh[x]], w) : src[(y * w + x) * C + c];
    }
  }
  const out: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < tw; x++) {
      for (let c = 0; c < C; c++) out[(y * tw + x) * C + c] = wv ? pass((j) => tmp[(j * tw + x) * C + c], [wv[y]], h) : tmp[(y * tw + x) * C + c];
    }
  }
  return out;
}

describe('Lanczos-3 (Pillow)', () => {
  it('kernel matches hand-computed values', () => {
    expect(lanczos3(0)).toBe(1);
    expect(lanczos3(0.5)).toBeCloseTo(6 / Math.PI ** 2, 12); // sinc(1/2)·sinc(1/6) = (2/π)(3/π)
    expect(lanczos3(1)).toBeCloseTo(0, 12);
    expect(lanczos3(3)).toBe(0);
    expect(lanczos3(-3)).toBeCloseTo(0, 12);
  });

  it('coefficients: support widens with the downscale factor, weights sum to 1', () => {
    const c = lanczosCoefficients(400, 256);
    expect(c.taps).toBe(2 * Math.ceil(3 * (400 / 256)) + 1);
    for (let o = 0; o < 256; o++) {
      let s = 0;
      for (let k = 0; k < c.bounds[o * 2 + 1]; k++) s += c.weights[o * c.taps + k];
      expect(s).toBeCloseTo(1, 12);
    }
    const up = lanczosCoefficients(10, 20);
    expect(up.taps).toBe(7);
  });

  it('hand-checked: 2 → 1 pixel averages with round-half-up, constants stay constant', () => {
    // Both weights are lanczos(±0.25) normalised → 1/2 each → 2^21 in fixed point.
    expect([...resizeLanczosU8(Uint8Array.of(10, 21), 2, 1, 1, 1, 1)]).toEqual([16]);
    expect([...resizeLanczosU8(Uint8Array.of(10, 20), 2, 1, 1, 1, 1)]).toEqual([15]);
    const flat = new Uint8Array(7 * 5 * 3).fill(200);
    expect(new Set(resizeLanczosU8(flat, 7, 5, 3, 16, 3))).toEqual(new Set([200]));
    expect(new Set(resizeLanczosU8(flat, 7, 5, 3, 2, 11))).toEqual(new Set([200]));
  });

  it('matches Pillow 9.4 LANCZOS bit for bit on RGB and L images', () => {
    const rgb = patternImage(PIL_W, PIL_H, 3, pattern);
    for (const key of ['rgb_5x4', 'rgb_17x19', 'rgb_20x4', 'rgb_13x7', 'rgb_3x11']) {
      const [ow, oh] = key.slice(4).split('x').map(Number);
      expect([...resizeLanczosU8(rgb, PIL_W, PIL_H, 3, ow, oh)], key).toEqual(PIL_REFERENCE[key]);
    }
    const grey = patternImage(PIL_W, PIL_H, 1, (x, y) => pattern(x, y, 1));
    for (const key of ['l_6x5', 'l_26x22']) {
      const [ow, oh] = key.slice(2).split('x').map(Number);
      expect([...resizeLanczosU8(grey, PIL_W, PIL_H, 1, ow, oh)], key).toEqual(PIL_REFERENCE[key]);
    }
  });

  it('matches Pillow at realistic scale factors (400x300 → 256², 512², 224x160)', () => {
    const src = patternImage(400, 300, 3, pattern2);
    for (const [key, ref] of Object.entries(PIL_LARGE)) {
      const [ow, oh] = key.split('x').map(Number);
      const out = resizeLanczosU8(src, 400, 300, 3, ow, oh);
      expect([...out.subarray(0, 12)], key).toEqual(ref.head);
      expect(out.reduce((a, b) => a + b, 0), key).toBe(ref.sum);
      expect(checksum(out), key).toBe(ref.checksum);
    }
  });

  it('matches Pillow mode F (float) resizing', () => {
    const f = Float32Array.from(patternImage(PIL_W, PIL_H, 1, (x, y) => pattern(x, y, 2)), (v) => v / 255);
    for (const key of ['f_5x4', 'f_17x19']) {
      const [ow, oh] = key.slice(2).split('x').map(Number);
      const out = resizeLanczosF32(f, PIL_W, PIL_H, 1, ow, oh);
      PIL_REFERENCE[key].forEach((v, i) => expect(out[i]).toBe(Math.fround(v)));
    }
  });

  it('agrees with an independent straightforward implementation on random images', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const cases: [number, number, number, number, number][] = [
      [31, 17, 3, 8, 9],
      [9, 23, 1, 40, 5],
      [50, 50, 3, 17, 50],
      [12, 12, 3, 12, 30],
      [64, 40, 1, 64, 13],
    ];
    for (const [w, h, C, ow, oh] of cases) {
      const src = Uint8Array.from({ length: w * h * C }, () => Math.floor(rand() * 256));
      const got = [...resizeLanczosU8(src, w, h, C, ow, oh)];
      expect(got, `${w}x${h}x${C} → ${ow}x${oh}`).toEqual(referenceResize(src, w, h, C, ow, oh, true));
      // And the float path agrees with the unquantised reference.
      const f = resizeLanczosF32(Float32Array.from(src), w, h, C, ow, oh);
      const ideal = referenceResize(src, w, h, C, ow, oh, false);
      let maxDiff = 0;
      ideal.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - f[i]))));
      expect(maxDiff).toBeLessThan(1e-3);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => resizeLanczosU8(new Uint8Array(5), 2, 2, 1, 1, 1)).toThrow(/expected 2x2x1/);
    expect(() => resizeLanczosU8(new Uint8Array(4), 2, 2, 1, 0, 1)).toThrow(/invalid sizes/);
  });
});

describe('nearest (Pillow mapping)', () => {
  it('hand-checked indices', () => {
    expect([...nearestIndices(4, 2)]).toEqual([1, 3]);
    expect([...nearestIndices(2, 4)]).toEqual([0, 0, 1, 1]);
    expect([...nearestIndices(3, 3)]).toEqual([0, 1, 2]);
  });

  it('matches Pillow NEAREST on a mask', () => {
    const m = patternImage(PIL_W, PIL_H, 1, (x, y) => ((x * 3 + y * 5) % 7 < 3 ? 255 : 0));
    for (const key of ['nearest_5x4', 'nearest_29x23', 'nearest_8x16']) {
      const [ow, oh] = key.slice(8).split('x').map(Number);
      expect([...resizeNearest(m, PIL_W, PIL_H, 1, ow, oh)], key).toEqual(PIL_REFERENCE[key]);
    }
  });
});

describe('normalisation and the MSFlow transform', () => {
  it('computes (v/255 − mean)/std in float32 like torchvision', () => {
    const x = normalizeRgb8(Uint8Array.of(0, 128, 255), 3);
    const f = Math.fround;
    expect(x[0]).toBe(f(f(0 - f(0.485)) / f(0.229)));
    expect(x[1]).toBe(f(f(f(128 / 255) - f(0.456)) / f(0.224)));
    expect(x[2]).toBe(f(f(1 - f(0.406)) / f(0.225)));
    expect(x[0]).toBeCloseTo(-2.117904, 5);
    expect(x[2]).toBeCloseTo(2.64, 5);
    expect([...denormalizeToRgb8(x)]).toEqual([0, 128, 255]);
    expect([...normalizeRgb8(Uint8Array.of(255), 1, null)]).toEqual([1, 1, 1]);
    expect(IMAGENET.mean).toEqual([0.485, 0.456, 0.406]);
  });

  it('greyscale and RGBA become 3 channels; grey equals replicated RGB', () => {
    const g = patternImage(20, 10, 1, (x, y) => (x * 13 + y * 7) % 256);
    const grey: RawImage = { width: 20, height: 10, channels: 1, depth: 8, data: g };
    const rgbData = new Uint8Array(200 * 3);
    const rgbaData = new Uint8Array(200 * 4);
    g.forEach((v, i) => {
      rgbData.set([v, v, v], i * 3);
      rgbaData.set([v, v, v, 17], i * 4);
    });
    const a = preprocessImage(grey, { height: 8, width: 12 });
    const b = preprocessImage({ width: 20, height: 10, channels: 3, depth: 8, data: rgbData }, [8, 12]);
    const c = preprocessImage({ width: 20, height: 10, channels: 4, depth: 8, data: rgbaData }, { height: 8, width: 12 });
    expect(a.image.length).toBe(8 * 12 * 3);
    expect([...a.image]).toEqual([...b.image]);
    expect([...c.image]).toEqual([...b.image]);
    expect([...a.rgb]).toEqual([...b.rgb]);
  });

  it('16-bit images are scaled to [0,1] and resized in float', () => {
    const d16 = Uint16Array.from({ length: 16 * 16 }, (_, i) => (i % 16) * 3000 + Math.floor(i / 16) * 900);
    const img: RawImage = { width: 16, height: 16, channels: 1, depth: 16, data: d16 };
    const p = preprocessImage(img, 8, null);
    const ref = resizeLanczosF32(Float32Array.from(d16, (v) => v / 65535), 16, 16, 1, 8, 8);
    for (let i = 0; i < 64; i++) expect(p.image[i * 3]).toBeCloseTo(ref[i], 6);
    // The same (smooth) image as 8-bit gives the same values up to 8-bit quantisation.
    const d8 = Uint8Array.from(d16, (v) => Math.round(v / 257));
    const p8 = preprocessImage({ width: 16, height: 16, channels: 1, depth: 8, data: d8 }, 8, null);
    for (let i = 0; i < p.image.length; i++) expect(Math.abs(p.image[i] - p8.image[i])).toBeLessThan(1.01 / 255);
  });

  it('masks: nearest resize then > 0', () => {
    const m: RawImage = { width: 4, height: 2, channels: 1, depth: 8, data: Uint8Array.of(0, 0, 0, 0, 0, 255, 0, 3) };
    expect([...preprocessMask(m, { height: 1, width: 2 })]).toEqual([1, 1]);
    expect([...preprocessMask(m, { height: 2, width: 8 })]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });
});
