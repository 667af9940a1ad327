import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  decodeJpeg,
  decodePng,
  encodeJpeg,
  encodePng,
  ImageCodecError,
  readImage,
  readImageSync,
  writeFileAtomicSync,
  writeImageSync,
  type RawImage,
} from '../src/index.js';
import { handPng, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** 16x8 greyscale JPEG written by Pillow 9.4 (quality 95); Pillow decodes row 0 as below. */
const GREY_JPEG_B64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAIABABAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APl3/gm3+y3/AMeH/Eu/u/wV+oH7WHx0/wCHYn/BOHxJ8fvDf7jxvrPleGPhn/o+7br15HJ5Vx81vPCfssMVze7J0EU32PySwaVc/wD/2Q==';
const GREY_JPEG_ROW0_PIL = [0, 15, 32, 48, 64, 80, 96, 112, 128, 143, 160, 175, 193, 211, 222, 241];

function img(width: number, height: number, channels: 1 | 2 | 3 | 4, depth: 8 | 16): RawImage {
  const n = width * height * channels;
  const data = depth === 8 ? Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256) : Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536);
  return { width, height, channels, depth, data };
}

describe('PNG', () => {
  it('round-trips grey, grey+alpha, RGB, RGBA at 8 and 16 bits', () => {
    for (const depth of [8, 16] as const) {
      for (const channels of [1, 2, 3, 4] as const) {
        const a = img(7, 5, channels, depth);
        const b = decodePng(encodePng(a), 'x.png');
        expect(b.channels, `${channels}ch ${depth}bit`).toBe(channels);
        expect(b.depth).toBe(depth);
        expect([...b.data]).toEqual([...a.data]);
      }
    }
  });

  it('decodes palette images (with transparency) and 1-bit greyscale', () => {
    const pal = handPng(3, 1, 8, 3, [Uint8Array.of(0, 1, 2)], [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    const p = decodePng(pal, 'pal.png');
    expect(p.channels).toBe(3);
    expect([...p.data]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const palA = handPng(2, 1, 8, 3, [Uint8Array.of(0, 1)], [
      [10, 20, 30],
      [40, 50, 60],
    ], [128]);
    expect(decodePng(palA).channels).toBe(4);
    const bits = handPng(8, 1, 1, 0, [Uint8Array.of(0b10110000)]);
    const g = decodePng(bits, 'bits.png');
    expect(g.channels).toBe(1);
    expect([...g.data]).toEqual([255, 0, 255, 255, 0, 0, 0, 0]);
  });

  it('names the file for corrupt data', () => {
    const good = encodePng(img(8, 8, 3, 8));
    const truncated = good.subarray(0, good.length - 20);
    expect(() => decodePng(truncated, '/data/a.png')).toThrow(ImageCodecError);
    expect(() => decodePng(truncated, '/data/a.png')).toThrow(/^cannot decode \/data\/a\.png: PNG: /);
    const badCrc = good.slice();
    badCrc[40] ^= 0xff;
    expect(() => decodeImage(badCrc, 'b.png')).toThrow(/b\.png/);
  });
});

describe('JPEG', () => {
  it('round-trips RGB within JPEG loss', () => {
    const w = 32;
    const h = 16;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 8, y * 16, 128], (y * w + x) * 3);
    const out = decodeJpeg(encodeJpeg({ width: w, height: h, channels: 3, depth: 8, data }, 95), 'x.jpg');
    expect(out.channels).toBe(3);
    let max = 0;
    data.forEach((v, i) => (max = Math.max(max, Math.abs(v - out.data[i]))));
    expect(max).toBeLessThan(20);
  });

  it('decodes a greyscale JPEG (written by Pillow) as 1 channel, within 1 of Pillow', () => {
    const g = decodeImage(Buffer.from(GREY_JPEG_B64, 'base64'), 'grey.jpg');
    expect(g.channels).toBe(1);
    expect([g.width, g.height]).toEqual([16, 8]);
    GREY_JPEG_ROW0_PIL.forEach((v, i) => expect(Math.abs(g.data[i] - v)).toBeLessThanOrEqual(1));
  });

  it('names the file for truncated or corrupt data', () => {
    const bytes = encodeJpeg(img(16, 16, 3, 8), 90);
    expect(() => decodeJpeg(bytes.subarray(0, 200), '/d/t.jpg')).toThrow(/^cannot decode \/d\/t\.jpg: JPEG: /);
    expect(() => decodeImage(Uint8Array.of(0xff, 0xd8, 0xff, 0, 1, 2), 'c.jpg')).toThrow(/c\.jpg/);
  });
});

describe('format sniffing and files', () => {
  it('rejects unknown formats and empty files naming them', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a....'), 'x.gif')).toThrow(/x\.gif: unsupported image format/);
    expect(() => decodeImage(new Uint8Array(0), 'e.png')).toThrow(/e\.png: empty file/);
  });

  it('reads by content, writes by extension, atomically', async () => {
    const a = img(9, 4, 3, 8);
    const png = join(tmp.dir, 'sub', 'a.png');
    writeImageSync(png, a);
    expect([...readImageSync(png).data]).toEqual([...a.data]);
    // A PNG with a .jpg name still decodes (content decides).
    const misnamed = join(tmp.dir, 'misnamed.jpg');
    writeFileSync(misnamed, encodePng(a));
    expect((await readImage(misnamed)).width).toBe(9);
    writeImageSync(join(tmp.dir, 'b.jpg'), a);
    expect(readImageSync(join(tmp.dir, 'b.jpg')).channels).toBe(3);
    expect(() => writeImageSync(join(tmp.dir, 'c.bmp'), a)).toThrow(/unsupported output extension/);
    await expect(readImage(join(tmp.dir, 'nope.png'))).rejects.toThrow(/cannot read .*nope\.png/);
    writeFileAtomicSync(join(tmp.dir, 'sub', 'a.png'), 'replaced');
    expect(readdirSync(join(tmp.dir, 'sub'))).toEqual(['a.png']); // no temp files left
    expect(existsSync(join(tmp.dir, 'b.jpg'))).toBe(true);
  });
});
