/**
 * A generic folder dataset: a folder of normal images, optionally a folder of anomalous images
 * and optionally a folder of their masks. Without masks only image-level metrics are possible.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ImageDataset, type DatasetOptions } from './dataset.js';
import { DatasetError, DatasetScanError, type ScanProblem } from './errors.js';
import { listImages, requireDir, stemOf } from './listing.js';
import type { DatasetEntry } from './types.js';

/** Options of {@link folderDataset}. */
export interface FolderDatasetOptions extends DatasetOptions {
  /** Normal images (label 0, type `good`). May be omitted when `abnormalDir` is given. */
  normalDir?: string;
  /** Anomalous images (label 1). */
  abnormalDir?: string;
  /** Masks of the anomalous images: `<stem>.png`, `<stem>_mask.png` or any image extension. */
  maskDir?: string;
  /** Type name of the anomalous images (default: the folder name of `abnormalDir`). */
  abnormalType?: string;
  /** Name used in messages (default `folder`). */
  name?: string;
}

const IMAGES = '*.png, *.jpg or *.jpeg files';
const MASK_EXTS = ['.png', '.jpg', '.jpeg', '.PNG', '.JPG', '.JPEG'];

/**
 * Builds a dataset from plain folders. For training, pass only `normalDir`.
 *
 * @throws {@link DatasetError} when a folder is missing or holds no images;
 *   {@link DatasetScanError} listing every anomalous image without a mask (when `maskDir` is set).
 * @example
 * ```ts
 * const test = folderDataset({ normalDir: 'ok', abnormalDir: 'defect', maskDir: 'masks', size: 256 });
 * test.hasMasks; // true
 * ```
 */
export function folderDataset(options: FolderDatasetOptions): ImageDataset {
  const { normalDir, abnormalDir, maskDir } = options;
  if (!normalDir && !abnormalDir) throw new DatasetError('.', 'folderDataset needs normalDir and/or abnormalDir');
  const entries: Omit<DatasetEntry, 'index'>[] = [];
  const ignored: string[] = [];
  if (normalDir) {
    requireDir(normalDir, `normal images (${IMAGES})`);
    const { images, other } = listImages(normalDir);
    if (images.length === 0) throw new DatasetError(normalDir, `no normal images (expected ${IMAGES})`);
    ignored.push(...other.map((f) => join(normalDir, f)));
    for (const f of images) entries.push({ path: join(normalDir, f), type: 'good', label: 0 });
  }
  const hasMasks = Boolean(maskDir && abnormalDir);
  if (abnormalDir) {
    requireDir(abnormalDir, `anomalous images (${IMAGES})`);
    const { images, other } = listImages(abnormalDir);
    if (images.length === 0) throw new DatasetError(abnormalDir, `no anomalous images (expected ${IMAGES})`);
    ignored.push(...other.map((f) => join(abnormalDir, f)));
    const type = options.abnormalType ?? basename(resolve(abnormalDir));
    if (maskDir) requireDir(maskDir, 'one mask per anomalous image (<stem>.png or <stem>_mask.png)');
    const missing: ScanProblem[] = [];
    for (const f of images) {
      const entry: Omit<DatasetEntry, 'index'> = { path: join(abnormalDir, f), type, label: 1 };
      if (maskDir) {
        const stem = stemOf(f);
        const candidates = [...MASK_EXTS.map((e) => stem + e), ...MASK_EXTS.map((e) => `${stem}_mask${e}`)];
        const found = candidates.map((c) => join(maskDir, c)).find((p) => existsSync(p));
        if (found) entry.maskPath = found;
        else missing.push({ path: entry.path, reason: `no mask (expected ${join(maskDir, `${stem}.png`)} or ${stem}_mask.png)` });
      }
      entries.push(entry);
    }
    if (missing.length > 0) throw new DatasetScanError(maskDir!, missing);
  }
  const root = normalDir ?? abnormalDir!;
  return new ImageDataset({ name: options.name ?? 'folder', root, entries, hasMasks, ignoredFiles: ignored }, options);
}
