/** Shared test helpers: temporary folders and a minimal hand-made PNG writer. */
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '../src/testing/index.js';

export { tempDir } from '../src/testing/index.js';

/**
 * A PNG built by hand (filter 0 on every row), for formats pngjs cannot write: palette images
 * and bit depths below 8. `rows` are the already-packed scanline bytes.
 */
export function handPng(width: number, height: number, bitDepth: number, colorType: number, rows: Uint8Array[], palette?: number[][], trns?: number[]): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const raw = new Uint8Array(rows.reduce((s, r) => s + r.length + 1, 0));
  let o = 0;
  for (const r of rows) {
    raw[o++] = 0;
    raw.set(r, o);
    o += r.length;
  }
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr)];
  if (palette) parts.push(pngChunk('PLTE', Uint8Array.from(palette.flat())));
  if (trns) parts.push(pngChunk('tRNS', Uint8Array.from(trns)));
  parts.push(pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** A TIFF structure whose IFD0 has one SHORT entry, orientation (0x0112), and no next IFD. */
function tiffWithOrientation(orientation: number, littleEndian: boolean): Uint8Array {
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const dv = new DataView(tiff.buffer);
  tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  dv.setUint16(2, 42, littleEndian);
  dv.setUint32(4, 8, littleEndian);
  dv.setUint16(8, 1, littleEndian);
  dv.setUint16(10, 0x0112, littleEndian);
  dv.setUint16(12, 3, littleEndian);
  dv.setUint32(14, 1, littleEndian);
  dv.setUint16(18, orientation, littleEndian);
  return tiff;
}

/** `jpeg` with an EXIF APP1 segment holding `orientation` inserted after its SOI marker. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number, littleEndian = false): Uint8Array {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffWithOrientation(orientation, littleEndian)]);
  const app1 = Buffer.alloc(4 + payload.length);
  app1.set([0xff, 0xe1], 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  app1.set(payload, 4);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/**
 * `png` with an `eXIf` chunk holding `orientation` inserted after its IHDR chunk (as PNG 1.5
 * extensions place it: before the image data); `exifPrefix` keeps JPEG's "Exif\0\0" in front,
 * as some writers do.
 */
export function withPngExifOrientation(png: Uint8Array, orientation: number, littleEndian = false, exifPrefix = false): Uint8Array {
  const tiff = tiffWithOrientation(orientation, littleEndian);
  const data = exifPrefix ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]) : Buffer.from(tiff);
  const chunk = pngChunk('eXIf', data);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}
