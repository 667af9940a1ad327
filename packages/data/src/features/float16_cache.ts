import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { floatToHalf, halfToFloat, type FeatureSet, type FeatureSource } from '@msflow/core';
import { asFileIoError } from '../io/errors.js';

/**
 * Pooled backbone features cached on disk as float16, in the safetensors layout (one tensor
 * `scale{l}` of shape [N, h, w, c] per scale), so a cache can be inspected with any safetensors
 * reader. Rows are read on demand: training a large dataset then needs the memory of one batch,
 * not of the whole feature set. float16 keeps ~3 significant digits, far below the noise of
 * training on these features.
 */

type Shape3 = readonly [number, number, number];

interface Layout {
  shapes: Shape3[];
  count: number;
  /** Byte offset of the data block in the file. */
  dataStart: number;
  /** Byte offset of each scale's tensor within the data block. */
  offsets: number[];
  /** Bytes of one image's row in each scale. */
  rowBytes: number[];
}

function layoutHeader(count: number, shapes: readonly Shape3[]): { header: Uint8Array; layout: Layout } {
  const rowBytes = shapes.map(([h, w, c]) => h * w * c * 2);
  const offsets: number[] = [];
  const entries: Record<string, unknown> = { __metadata__: { format: 'msflow-features', dtype: 'float16', count: String(count) } };
  let pos = 0;
  shapes.forEach((s, l) => {
    offsets.push(pos);
    const bytes = rowBytes[l] * count;
    entries[`scale${l}`] = { dtype: 'F16', shape: [count, ...s], data_offsets: [pos, pos + bytes] };
    pos += bytes;
  });
  let json = JSON.stringify(entries);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // align the data block
  const text = new TextEncoder().encode(json);
  const header = new Uint8Array(8 + text.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(text.length), true);
  header.set(text, 8);
  return { header, layout: { shapes: [...shapes], count, dataStart: header.length, offsets, rowBytes } };
}

function encodeHalf(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setUint16(2 * i, floatToHalf(values[i]), true);
  return out;
}

/**
 * Writes a float16 feature cache batch by batch; nothing appears at `path` until
 * {@link Float16CacheWriter.finish} renames the complete file into place.
 *
 * @example
 * ```ts
 * const w = new Float16CacheWriter('runs/features.safetensors', 200, [[64, 64, 256], [32, 32, 512], [16, 16, 1024]]);
 * for await (const batch of batches) w.append(batch); // a FeatureSet of a few images
 * const source = w.finish();                           // a FeatureSource reading rows from disk
 * ```
 */
export class Float16CacheWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly layout: Layout;
  private written = 0;
  private done = false;

  constructor(
    readonly path: string,
    count: number,
    shapes: readonly Shape3[],
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    const { header, layout } = layoutHeader(count, shapes);
    this.layout = layout;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw asFileIoError(path, err);
    }
    this.write(header, 0);
  }

  /** Writes at `position`; a failure (disk full) drops the partial file and names the cache. */
  private write(bytes: Uint8Array, position: number): void {
    try {
      writeSync(this.fd, bytes, 0, bytes.length, position);
    } catch (err) {
      this.abort();
      throw asFileIoError(this.path, err);
    }
  }

  /** Appends the next images' features (same scales and shapes as declared). */
  append(batch: FeatureSet): void {
    const { layout } = this;
    if (this.done) throw new Error(`${this.path}: feature cache already finished`);
    if (batch.scales.length !== layout.shapes.length) throw new Error(`${this.path}: batch has ${batch.scales.length} scales, the cache ${layout.shapes.length}`);
    if (this.written + batch.count > layout.count) throw new Error(`${this.path}: more than the declared ${layout.count} images`);
    batch.scales.forEach((s, l) => {
      if (s.shape.join() !== layout.shapes[l].join()) throw new Error(`${this.path}: scale ${l} is [${s.shape}], the cache holds [${layout.shapes[l]}]`);
      const bytes = encodeHalf(s.data.subarray(0, batch.count * layout.rowBytes[l] / 2));
      this.write(bytes, layout.dataStart + layout.offsets[l] + this.written * layout.rowBytes[l]);
    });
    this.written += batch.count;
  }

  /** Closes the file, moves it into place and opens it for reading. */
  finish(): FeatureSource {
    if (this.written !== this.layout.count) {
      this.abort();
      throw new Error(`${this.path}: feature cache got ${this.written} of ${this.layout.count} images`);
    }
    this.done = true;
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (err) {
      rmSync(this.tmp, { force: true });
      throw asFileIoError(this.path, err);
    }
    return openFloat16Cache(this.path);
  }

  /** Drops the partial file. */
  abort(): void {
    if (!this.done) closeSync(this.fd);
    this.done = true;
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Opens a cache written by {@link Float16CacheWriter} as a {@link FeatureSource}; rows are read
 * from disk when a batch asks for them.
 *
 * @example
 * ```ts
 * const source = openFloat16Cache('runs/features.safetensors');
 * await new Trainer(model).run(source);
 * ```
 */
export function openFloat16Cache(path: string): FeatureSource {
  const fd = openSync(path, 'r');
  try {
    const lenBuf = new Uint8Array(8);
    if (readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new Error('file too short');
    const len = Number(new DataView(lenBuf.buffer).getBigUint64(0, true));
    const text = new Uint8Array(len);
    if (readSync(fd, text, 0, len, 8) !== len) throw new Error('header truncated');
    const header = JSON.parse(new TextDecoder().decode(text)) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
    if (header.__metadata__?.format !== 'msflow-features') throw new Error('not an msflow feature cache');
    const count = Number(header.__metadata__.count);
    const layout: Layout = { shapes: [], count, dataStart: 8 + len, offsets: [], rowBytes: [] };
    for (let l = 0; header[`scale${l}`]; l++) {
      const { dtype, shape, data_offsets } = header[`scale${l}`];
      if (dtype !== 'F16' || shape.length !== 4 || shape[0] !== count) throw new Error(`scale${l} is ${dtype} [${shape}]`);
      layout.shapes.push([shape[1], shape[2], shape[3]]);
      layout.offsets.push(data_offsets[0]);
      layout.rowBytes.push(shape[1] * shape[2] * shape[3] * 2);
    }
    closeSync(fd);
    return cacheSource(path, layout);
  } catch (err) {
    closeSync(fd);
    throw new Error(`${path}: not a readable feature cache (${(err as Error).message})`);
  }
}

function cacheSource(path: string, layout: Layout): FeatureSource {
  return {
    count: layout.count,
    shapes: layout.shapes,
    read(scale, indices) {
      const row = layout.rowBytes[scale];
      const buf = new Uint8Array(row);
      const dv = new DataView(buf.buffer);
      const out = new Float32Array((indices.length * row) / 2);
      const fd = openSync(path, 'r');
      try {
        indices.forEach((i, j) => {
          if (!Number.isInteger(i) || i < 0 || i >= layout.count) throw new Error(`${path}: image index ${i} out of range [0, ${layout.count})`);
          const got = readSync(fd, buf, 0, row, layout.dataStart + layout.offsets[scale] + i * row);
          if (got !== row) throw new Error(`${path}: truncated at image ${i} of scale ${scale}`);
          for (let k = 0; k < row / 2; k++) out[j * (row / 2) + k] = halfToFloat(dv.getUint16(2 * k, true));
        });
      } finally {
        closeSync(fd);
      }
      return out;
    },
  };
}
