// Hostile and careless image files (issue 28, cases 2 and 8): each is refused with one line
// naming the file, or read the way other decoders read it; nothing is inflated past the size the
// header implies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  applyOrientation,
  DatasetError,
  decodeImage,
  decodeJpeg,
  decodePng,
  DEFAULT_MAX_PIXELS,
  encodeJpeg,
  encodePng,
  maxImagePixels,
  mvtecDataset,
  readImageHeader,
  writeImageSync,
  type RawImage,
} from '../src/index.js';
import { pngWithHeader as rawPng } from '../src/testing/index.js';
import { tempDir, withExifOrientation, withPngExifOrientation } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
afterEach(() => {
  delete process.env.MSFLOW_MAX_PIXELS;
});

/** An RGB test pattern whose pixels all differ, so any turn or mirror shows. */
function pattern(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 16, y * 16, (x + y) * 8], (y * width + x) * 3);
  return { width, height, channels: 3, depth: 8, data };
}

describe('hostile images (issue 28)', () => {
  it('case 2: a 74-byte PNG whose header claims 30000x30000 is refused from its header, naming the file and the limit', () => {
    const bomb = rawPng({ width: 30000, height: 30000, inflated: new Uint8Array(1) });
    expect(bomb.length).toBeLessThan(80);
    expect(() => decodeImage(bomb, '/in/huge.png')).toThrow(/^cannot decode \/in\/huge\.png: PNG: header says 30000x30000 = 900 megapixels, over the limit of 100 megapixels per image/);
  });

  it('case 2: a zlib bomb behind an honest small header is inflated only to the size the header implies, then refused', () => {
    // 40 MB of zeros deflate to ~40 kB; the header says 64x64 grey (4160 bytes of rows).
    const inflated = new Uint8Array(40 * 2 ** 20);
    const plain = rawPng({ width: 64, height: 64, inflated });
    expect(plain.length).toBeLessThan(100_000);
    expect(() => decodeImage(plain, 'plain.png')).toThrow(/^cannot decode plain\.png: PNG: image data inflates to more than the 4160 bytes its 64x64 header implies/);
    // Interlaced data is inflated by another path; it stops at the expected size too.
    const interlaced = rawPng({ width: 64, height: 64, interlace: 1, inflated });
    expect(() => decodeImage(interlaced, 'adam7.png')).toThrow(/^cannot decode adam7\.png: PNG: image data inflates to more than the \d+ bytes its 64x64 header implies/);
  });

  it('case 2: a JPEG frame header over the pixel budget is refused before decoding; the budget is configurable', () => {
    const jpeg = encodeJpeg(pattern(16, 8), 90);
    expect(() => decodeJpeg(jpeg, 'small.jpg', { maxPixels: 100 })).toThrow(/^cannot decode small\.jpg: JPEG: header says 16x8 = 0\.000128 megapixels, over the limit of 0\.0001 megapixels/);
    // A frame header claiming 60000x60000 (the SOF0 height/width fields patched).
    const huge = Uint8Array.from(jpeg);
    const sof = huge.findIndex((b, i) => b === 0xff && huge[i + 1] === 0xc0);
    new DataView(huge.buffer).setUint16(sof + 5, 60000);
    new DataView(huge.buffer).setUint16(sof + 7, 60000);
    expect(() => decodeImage(huge, 'huge.jpg')).toThrow(/huge\.jpg: JPEG: header says 60000x60000 = 3600 megapixels/);
    process.env.MSFLOW_MAX_PIXELS = '100';
    expect(maxImagePixels()).toBe(100);
    expect(() => decodeImage(jpeg, 'env.jpg')).toThrow(/over the limit/);
    process.env.MSFLOW_MAX_PIXELS = 'lots';
    expect(() => decodeImage(jpeg, 'env.jpg')).toThrow(/MSFLOW_MAX_PIXELS: expected a positive whole number of pixels, got 'lots'/);
    delete process.env.MSFLOW_MAX_PIXELS;
    expect(maxImagePixels()).toBe(DEFAULT_MAX_PIXELS);
    expect(decodeImage(jpeg, 'ok.jpg').width).toBe(16);
  });

  it('case 8: a valid PNG with bytes after IEND decodes (as other decoders read it)', () => {
    const img = pattern(5, 3);
    const png = encodePng(img);
    const trailing = Buffer.concat([png, Buffer.from('trailing bytes from an uploader\n')]);
    expect([...decodeImage(trailing, 't.png').data]).toEqual([...img.data]);
  });

  it('case 8: a width-0 PNG is refused naming the file', () => {
    expect(() => decodeImage(rawPng({ width: 0, height: 8, inflated: new Uint8Array(8) }), '/in/zero.png')).toThrow(
      /^cannot decode \/in\/zero\.png: PNG: header says 0x8 pixels \(width and height must be at least 1\)/,
    );
  });

  it('case 8: JPEG EXIF orientation is applied, big- and little-endian, so a phone photo is scored upright', () => {
    const stored = pattern(6, 4);
    const jpeg = encodeJpeg(stored, 100);
    const plain = decodeJpeg(jpeg, 'p.jpg');
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      for (const little of [false, true]) {
        const file = withExifOrientation(jpeg, orientation, little);
        expect(readImageHeader(file, 'o.jpg').orientation).toBe(orientation);
        const seen = decodeJpeg(file, 'o.jpg');
        const expected = applyOrientation(plain, orientation);
        expect([seen.width, seen.height]).toEqual(orientation >= 5 ? [4, 6] : [6, 4]);
        expect([...seen.data]).toEqual([...expected.data]);
      }
    }
    // Orientation 6 is "turn 90 degrees clockwise": the stored bottom-left pixel ends top-left.
    const turned = applyOrientation(stored, 6);
    expect([...turned.data.subarray(0, 3)]).toEqual([...stored.data.subarray(3 * 6 * 3, 3 * 6 * 3 + 3)]);
  });

  it('case 8: a PNG eXIf orientation is applied too (with or without the Exif prefix); an eXIf after the image data is ignored', () => {
    const stored = pattern(6, 4);
    const png = encodePng(stored);
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      for (const [little, prefix] of [[false, false], [true, false], [false, true]]) {
        const file = withPngExifOrientation(png, orientation, little, prefix);
        expect(readImageHeader(file, 'o.png').orientation).toBe(orientation);
        const seen = decodePng(file, 'o.png');
        expect([seen.width, seen.height]).toEqual(orientation >= 5 ? [4, 6] : [6, 4]);
        expect([...seen.data]).toEqual([...applyOrientation(stored, orientation).data]);
      }
    }
    // PNG 1.5 extensions: eXIf before IDAT counts; one placed after the image data is not read.
    const late = Buffer.from(withPngExifOrientation(png, 6));
    const chunkLen = late.length - png.length;
    const idatAt = 33 + chunkLen;
    const moved = Buffer.concat([png.subarray(0, 33), late.subarray(idatAt, late.length - 12), late.subarray(33, idatAt), late.subarray(late.length - 12)]);
    expect(readImageHeader(moved, 'late.png').orientation).toBe(1);
    expect([decodePng(moved, 'late.png').width]).toEqual([6]);
  });

  it('case 8: a mask of another size than its image is refused naming both files', async () => {
    const root = join(tmp.dir, 'mvtec');
    const dirs = ['train/good', 'test/crack', 'ground_truth/crack'].map((d) => join(root, 'c', d));
    for (const d of dirs) mkdirSync(d, { recursive: true });
    writeImageSync(join(dirs[0], '000.png'), pattern(8, 8));
    writeImageSync(join(dirs[1], '000.png'), pattern(8, 8));
    writeImageSync(join(dirs[2], '000_mask.png'), { width: 4, height: 4, channels: 1, depth: 8, data: new Uint8Array(16).fill(255) });
    const ds = mvtecDataset({ root, className: 'c', split: 'test', size: 8 });
    await expect(ds.get(0)).rejects.toThrow(DatasetError);
    await expect(ds.get(0)).rejects.toThrow(/ground_truth\/crack\/000_mask\.png: mask is 4x4 but its image .*test\/crack\/000\.png is 8x8/);
    expect(() => ds.getSync(0)).toThrow(/000_mask\.png: mask is 4x4/);
  });

  it('case 2: masks go through the same pixel budget', () => {
    const mask = join(tmp.dir, 'bomb_mask.png');
    writeFileSync(mask, rawPng({ width: 20000, height: 20000, inflated: new Uint8Array(1) }));
    const root = join(tmp.dir, 'mvtec2');
    const dirs = ['train/good', 'test/crack', 'ground_truth/crack'].map((d) => join(root, 'c', d));
    for (const d of dirs) mkdirSync(d, { recursive: true });
    writeImageSync(join(dirs[0], '000.png'), pattern(8, 8));
    writeImageSync(join(dirs[1], '000.png'), pattern(8, 8));
    writeFileSync(join(dirs[2], '000_mask.png'), rawPng({ width: 20000, height: 20000, inflated: new Uint8Array(1) }));
    const ds = mvtecDataset({ root, className: 'c', split: 'test', size: 8 });
    expect(() => ds.getSync(0)).toThrow(/000_mask\.png: PNG: header says 20000x20000 = 400 megapixels, over the limit/);
  });
});
