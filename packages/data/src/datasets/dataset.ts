/**
 * {@link ImageDataset}: a sorted list of image files (with labels, types and mask files) that
 * loads lazily: nothing is decoded until a sample or batch is asked for.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Rng } from '@msflow/core';
import { decodeImage } from '../io/codec.js';
import { ImageCodecError, reasonOf } from '../io/errors.js';
import type { RawImage } from '../io/raw_image.js';
import type { Normalization } from '../image/normalize.js';
import { preprocessImage, preprocessMask, toImageSize, type ImageSize, type SizeLike } from '../image/preprocess.js';
import { DatasetError, DatasetScanError, type ScanProblem } from './errors.js';
import type { Batch, DatasetEntry, Sample } from './types.js';

/** How an {@link ImageDataset} transforms what it loads. */
export interface DatasetOptions {
  /** Network input size; images are resized to exactly this (aspect ratio not kept). */
  size: SizeLike;
  /**
   * Mean/std normalisation. Default `null`: RGB in [0, 1], what every msflow backbone takes
   * (each applies its own normalisation, e.g. the default Keras ResNet-50's Caffe BGR mean).
   * Set it only to feed a model that expects normalised input and does not normalise itself.
   */
  normalization?: Normalization | null;
  /** Also return the resized 8-bit RGB image (for visualisation). Default false. */
  keepRgb?: boolean;
}

/** Order options for {@link ImageDataset.samples} and {@link ImageDataset.batches}. */
export interface IterateOptions {
  /** Shuffle the order (default false: the sorted order). */
  shuffle?: boolean;
  /** Generator that draws the permutation (advanced by it); takes precedence over `seed`. */
  rng?: Rng;
  /** Seed for a fresh generator when no `rng` is given (default 0). */
  seed?: number;
  /** Restrict to these dataset indices (applied before shuffling). */
  indices?: readonly number[];
}

/** Options for {@link ImageDataset.batches}. */
export interface BatchOptions extends IterateOptions {
  /** Drop a last, incomplete batch (default false). */
  dropLast?: boolean;
}

/** Construction data for an {@link ImageDataset} (what the loaders produce). */
export interface DatasetSpec {
  /** Short name, e.g. `mvtec/bottle/test`. */
  name: string;
  /** The folder the entries were found in (used in messages). */
  root: string;
  entries: readonly Omit<DatasetEntry, 'index'>[];
  /** True when anomalous entries carry mask files (pixel metrics possible). */
  hasMasks: boolean;
  /** Non-image files that were skipped while listing. */
  ignoredFiles?: readonly string[];
}

/** Summary returned by a successful {@link ImageDataset.validate}. */
export interface ScanReport {
  images: number;
  masks: number;
  normal: number;
  anomalous: number;
  types: Record<string, number>;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new ImageCodecError(path, reasonOf(err), 'read');
  }
}

function readBytesSync(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ImageCodecError(path, reasonOf(err), 'read');
  }
}

/**
 * A lazily loaded image dataset. Build one with {@link mvtecDataset}, {@link visaDataset} or
 * {@link folderDataset}; samples are decoded, resized and normalised on demand.
 *
 * @example
 * ```ts
 * const test = mvtecDataset({ root: '/data/mvtec', className: 'bottle', split: 'test', size: 256 });
 * for await (const batch of test.batches(8)) {
 *   // batch.images: Float32Array(8*256*256*3), batch.masks, batch.labels
 * }
 * ```
 */
export class ImageDataset {
  readonly name: string;
  readonly root: string;
  readonly entries: readonly DatasetEntry[];
  readonly hasMasks: boolean;
  readonly size: ImageSize;
  readonly ignoredFiles: readonly string[];
  /** The normalisation applied to samples (`null`: RGB in [0, 1]). */
  readonly normalization: Normalization | null;
  private readonly keepRgb: boolean;

  constructor(spec: DatasetSpec, options: DatasetOptions) {
    this.name = spec.name;
    this.root = spec.root;
    this.entries = spec.entries.map((e, index) => ({ ...e, index }));
    this.hasMasks = spec.hasMasks;
    this.ignoredFiles = spec.ignoredFiles ?? [];
    this.size = toImageSize(options.size);
    this.normalization = options.normalization ?? null;
    this.keepRgb = options.keepRgb ?? false;
  }

  /** Number of images. */
  get length(): number {
    return this.entries.length;
  }

  /**
   * Labels of all entries, in order (no file is read).
   *
   * @example
   * ```ts
   * const labels = test.labels(); // Uint8Array of 0/1
   * ```
   */
  labels(): Uint8Array {
    return Uint8Array.from(this.entries, (e) => e.label);
  }

  /**
   * The iteration order: sorted order, optionally restricted and shuffled (Fisher-Yates with the
   * core `Rng`, so a seed always gives the same order).
   *
   * @example
   * ```ts
   * ds.order({ shuffle: true, seed: 9826 }); // e.g. [3, 0, 4, 1, 2]
   * ```
   */
  order(options: IterateOptions = {}): number[] {
    const base = options.indices ? [...options.indices] : this.entries.map((e) => e.index);
    for (const i of base) {
      if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`${this.name}: index ${i} out of range 0..${this.length - 1}`);
    }
    if (options.shuffle) (options.rng ?? new Rng(options.seed ?? 0)).shuffle(base);
    return base;
  }

  private build(entry: DatasetEntry, img: RawImage, mask: RawImage | undefined): Sample {
    // A mask of another size would be stretched onto the image and mark the wrong pixels.
    if (mask && (mask.width !== img.width || mask.height !== img.height)) {
      throw new DatasetError(entry.maskPath ?? 'mask', `mask is ${mask.width}x${mask.height} but its image ${entry.path} is ${img.width}x${img.height}`);
    }
    const pre = preprocessImage(img, this.size, this.normalization);
    const sample: Sample = {
      image: pre.image,
      label: entry.label,
      type: entry.type,
      path: entry.path,
      index: entry.index,
      originalSize: { height: img.height, width: img.width },
    };
    if (entry.maskPath) sample.maskPath = entry.maskPath;
    if (this.keepRgb) sample.rgb = pre.rgb;
    if (this.hasMasks) {
      sample.mask = mask ? preprocessMask(mask, this.size) : new Uint8Array(this.size.height * this.size.width);
    }
    return sample;
  }

  private entry(i: number): DatasetEntry {
    const e = this.entries[i];
    if (!e) throw new RangeError(`${this.name}: index ${i} out of range 0..${this.length - 1}`);
    return e;
  }

  /**
   * Loads, decodes and transforms sample `i`.
   *
   * @throws {@link ImageCodecError} naming the file when it cannot be read or decoded.
   * @example
   * ```ts
   * const { image, mask, label } = await ds.get(0);
   * ```
   */
  async get(i: number): Promise<Sample> {
    const e = this.entry(i);
    const [imgBytes, maskBytes] = await Promise.all([readBytes(e.path), e.maskPath && this.hasMasks ? readBytes(e.maskPath) : undefined]);
    const img = decodeImage(imgBytes, e.path);
    const mask = maskBytes && e.maskPath ? decodeImage(maskBytes, e.maskPath) : undefined;
    return this.build(e, img, mask);
  }

  /**
   * Synchronous {@link ImageDataset.get}.
   *
   * @example
   * ```ts
   * const s = ds.getSync(0);
   * ```
   */
  getSync(i: number): Sample {
    const e = this.entry(i);
    const img = decodeImage(readBytesSync(e.path), e.path);
    const mask = e.maskPath && this.hasMasks ? decodeImage(readBytesSync(e.maskPath), e.maskPath) : undefined;
    return this.build(e, img, mask);
  }

  /**
   * Streams samples one by one (the next file is read while the current one is processed).
   *
   * @example
   * ```ts
   * for await (const s of ds.samples({ shuffle: true, seed: 9826 })) console.log(s.path, s.label);
   * ```
   */
  async *samples(options: IterateOptions = {}): AsyncGenerator<Sample> {
    const order = this.order(options);
    let next = order.length > 0 ? this.get(order[0]) : undefined;
    for (let k = 0; k < order.length; k++) {
      const current = next!;
      // Prevent an unhandled rejection if the consumer stops early.
      next = k + 1 < order.length ? this.get(order[k + 1]) : undefined;
      next?.catch(() => undefined);
      yield await current;
    }
  }

  /**
   * Streams batches: contiguous `images` (B·H·W·3), `masks` (B·H·W) and `labels` (B).
   *
   * @example
   * ```ts
   * for await (const b of train.batches(8, { shuffle: true, rng })) model.step(b.images, b.size);
   * ```
   */
  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    const order = this.order(options);
    const { height, width } = this.size;
    const px = height * width;
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      if (idx.length < batchSize && options.dropLast) break;
      const samples = await Promise.all(idx.map((i) => this.get(i)));
      const B = samples.length;
      const batch: Batch = {
        images: new Float32Array(B * px * 3),
        labels: new Uint8Array(B),
        entries: idx.map((i) => this.entries[i]),
        size: B,
        height,
        width,
      };
      if (this.hasMasks) batch.masks = new Uint8Array(B * px);
      if (this.keepRgb) batch.rgb = new Uint8Array(B * px * 3);
      samples.forEach((s, b) => {
        batch.images.set(s.image, b * px * 3);
        batch.labels[b] = s.label;
        if (batch.masks && s.mask) batch.masks.set(s.mask, b * px);
        if (batch.rgb && s.rgb) batch.rgb.set(s.rgb, b * px * 3);
      });
      yield batch;
    }
  }

  /**
   * A dataset over a subset of the entries (re-indexed in the given order).
   *
   * @example
   * ```ts
   * const firstTen = ds.subset([...Array(10).keys()]);
   * ```
   */
  subset(indices: readonly number[]): ImageDataset {
    const entries = indices.map((i) => {
      const { index: _index, ...rest } = this.entry(i);
      return rest;
    });
    return new ImageDataset(
      { name: this.name, root: this.root, entries, hasMasks: this.hasMasks, ignoredFiles: this.ignoredFiles },
      { size: this.size, normalization: this.normalization, keepRgb: this.keepRgb },
    );
  }

  /**
   * Decodes every image and mask once and reports every bad file in one
   * {@link DatasetScanError}: undecodable or unreadable files, and masks whose size differs from
   * their image.
   *
   * @example
   * ```ts
   * const report = await ds.validate(); // throws DatasetScanError listing all bad files
   * ```
   */
  async validate(options: { concurrency?: number } = {}): Promise<ScanReport> {
    const problems: ScanProblem[] = [];
    const report: ScanReport = { images: 0, masks: 0, normal: 0, anomalous: 0, types: {} };
    const check = async (e: DatasetEntry): Promise<void> => {
      let img: RawImage | undefined;
      try {
        img = decodeImage(await readBytes(e.path), e.path);
      } catch (err) {
        problems.push({ path: e.path, reason: err instanceof ImageCodecError ? err.reason : reasonOf(err) });
      }
      report.images++;
      if (e.label === 1) report.anomalous++;
      else report.normal++;
      report.types[e.type] = (report.types[e.type] ?? 0) + 1;
      if (!e.maskPath || !this.hasMasks) return;
      report.masks++;
      try {
        const m = decodeImage(await readBytes(e.maskPath), e.maskPath);
        if (img && (m.width !== img.width || m.height !== img.height)) {
          problems.push({ path: e.maskPath, reason: `mask is ${m.width}x${m.height} but its image is ${img.width}x${img.height}` });
        }
      } catch (err) {
        problems.push({ path: e.maskPath, reason: err instanceof ImageCodecError ? err.reason : reasonOf(err) });
      }
    };
    const queue = [...this.entries];
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await check(e);
    });
    await Promise.all(workers);
    if (problems.length > 0) {
      problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      throw new DatasetScanError(this.root, problems);
    }
    return report;
  }
}
