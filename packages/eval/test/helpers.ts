/** Shared test helpers: temporary folders and a minimal hand-made PNG writer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

/** A fresh temporary folder and a function that deletes it. */
export function tempDir(prefix = 'msflow-eval-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  const td = new Uint8Array(4 + data.length);
  td.set([...type].map((c) => c.charCodeAt(0)));
  td.set(data, 4);
  out.set(td, 4);
  dv.setUint32(8 + data.length, crc32(td));
  return out;
}

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
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  if (trns) parts.push(chunk('tRNS', Uint8Array.from(trns)));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * A PNG from a raw header and already-inflated image data, for hostile files: any claimed size,
 * interlace flag, and image data that need not match the header.
 */
export function rawPng(o: { width: number; height: number; bitDepth?: number; colorType?: number; interlace?: 0 | 1; inflated: Uint8Array }): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, o.width);
  dv.setUint32(4, o.height);
  ihdr.set([o.bitDepth ?? 8, o.colorType ?? 0, 0, 0, o.interlace ?? 0], 8);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(o.inflated, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  return Buffer.concat(parts);
}

/** `jpeg` with an EXIF APP1 segment holding `orientation` inserted after its SOI marker. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number, littleEndian = false): Uint8Array {
  // "Exif\0\0", TIFF header, IFD0 with one SHORT entry (0x0112), no next IFD.
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
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4 + payload.length);
  app1.set([0xff, 0xe1], 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  app1.set(payload, 4);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}
