/**
 * PNG files built byte by byte, with any header: for tests of what a decoder does with a file
 * whose header and data disagree (decompression bombs, zero sizes).
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '@msflow/core';

/** The PNG signature. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * One PNG chunk: length, type, data and its CRC.
 *
 * @example
 * ```ts
 * const end = pngChunk('IEND', new Uint8Array(0));
 * ```
 */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(parseInt(crc32(body), 16), 8 + data.length);
  return out;
}

/** What {@link pngWithHeader} writes. */
export interface PngHeaderOptions {
  width: number;
  height: number;
  /** Default 8. */
  bitDepth?: number;
  /** Default 0 (grey). */
  colorType?: number;
  /** 1: Adam7. Default 0. */
  interlace?: 0 | 1;
  /** The image data before compression; it need not match the header. Default one zero byte. */
  inflated?: Uint8Array;
}

/**
 * A PNG with the given header and image data (deflated at level 9), valid CRCs.
 *
 * @example
 * ```ts
 * const bomb = pngWithHeader({ width: 30000, height: 30000 }); // 67 bytes claiming 900 megapixels
 * ```
 */
export function pngWithHeader(o: PngHeaderOptions): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr.set([o.bitDepth ?? 8, o.colorType ?? 0, 0, 0, o.interlace ?? 0], 8);
  const idat = deflateSync(o.inflated ?? new Uint8Array(1), { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}
