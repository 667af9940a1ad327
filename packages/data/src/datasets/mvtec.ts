/**
 * Loaders for the MVTec AD folder layout and VisA's 1-class (MVTec-style) layout:
 *
 * ```
 * <root>/<class>/train/good/*.png
 * <root>/<class>/test/<type>/*.png            type `good` → label 0, others → label 1
 * <root>/<class>/ground_truth/<type>/<stem>_mask.png   (MVTec)
 * <root>/<class>/ground_truth/bad/<stem>.png           (VisA)
 * ```
 *
 * Type folders and files are sorted (code-point order), as MSFlow's loader does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ImageDataset, type DatasetOptions, type DatasetSpec } from './dataset.js';
import { DatasetError, DatasetScanError, type ScanProblem } from './errors.js';
import { listImages, listSubdirs, requireDir, stemOf } from './listing.js';
import type { DatasetEntry } from './types.js';

/** `train` (normal images only) or `test` (all types). */
export type Split = 'train' | 'test';

/** Options of {@link mvtecDataset} and {@link visaDataset}. */
export interface LayoutDatasetOptions extends DatasetOptions {
  /** Dataset root (the folder holding the class folders). */
  root: string;
  /** Class folder name, e.g. `bottle`. */
  className: string;
  split: Split;
  /**
   * `required` (default): every anomalous test image must have a mask, or a
   * {@link DatasetScanError} lists all that are missing. `ignore`: no masks are loaded.
   */
  masks?: 'required' | 'ignore';
}

interface LayoutRules {
  kind: string;
  /** Mask file names to try for an image stem, the first being the documented one. */
  maskNames: (stem: string) => string[];
}

const MVTEC: LayoutRules = { kind: 'mvtec', maskNames: (s) => [`${s}_mask.png`, `${s}.png`] };
const VISA: LayoutRules = { kind: 'visa', maskNames: (s) => [`${s}.png`, `${s}_mask.png`] };

const IMAGES = '*.png, *.jpg or *.jpeg files';

function layoutSpec(rules: LayoutRules, o: LayoutDatasetOptions): DatasetSpec {
  if (o.split !== 'train' && o.split !== 'test') throw new DatasetError(o.root, `unknown split '${String(o.split)}' (expected 'train' or 'test')`);
  const classDir = join(o.root, o.className);
  requireDir(classDir, `a ${rules.kind} class folder with train/good and test/<type>`);
  const name = `${rules.kind}/${o.className}/${o.split}`;
  const entries: Omit<DatasetEntry, 'index'>[] = [];
  const ignored: string[] = [];
  if (o.split === 'train') {
    const dir = join(classDir, 'train', 'good');
    requireDir(dir, `the training images (${IMAGES})`);
    const { images, other } = listImages(dir);
    ignored.push(...other.map((f) => join(dir, f)));
    if (images.length === 0) throw new DatasetError(dir, `no training images (expected ${IMAGES})`);
    for (const f of images) entries.push({ path: join(dir, f), type: 'good', label: 0 });
    return { name, root: classDir, entries, hasMasks: false, ignoredFiles: ignored };
  }
  const testDir = join(classDir, 'test');
  requireDir(testDir, 'one folder per test type (good, <defect>...)');
  const types = listSubdirs(testDir);
  if (types.length === 0) throw new DatasetError(testDir, 'no type folders (expected test/good and test/<defect> folders)');
  const useMasks = (o.masks ?? 'required') === 'required';
  const missing: ScanProblem[] = [];
  for (const type of types) {
    const dir = join(testDir, type);
    const { images, other } = listImages(dir);
    ignored.push(...other.map((f) => join(dir, f)));
    for (const f of images) {
      const label = type === 'good' ? 0 : 1;
      const entry: Omit<DatasetEntry, 'index'> = { path: join(dir, f), type, label };
      if (label === 1 && useMasks) {
        const gtDir = join(classDir, 'ground_truth', type);
        const names = rules.maskNames(stemOf(f));
        const found = names.map((m) => join(gtDir, m)).find((p) => existsSync(p));
        if (found) entry.maskPath = found;
        else missing.push({ path: entry.path, reason: `no mask (expected ${join(gtDir, names[0])})` });
      }
      entries.push(entry);
    }
  }
  if (missing.length > 0) throw new DatasetScanError(classDir, missing);
  if (entries.length === 0) throw new DatasetError(testDir, `no test images in any type folder (expected ${IMAGES})`);
  return { name, root: classDir, entries, hasMasks: useMasks, ignoredFiles: ignored };
}

/**
 * An MVTec AD class (`<root>/<className>/train/good`, `test/<type>`,
 * `ground_truth/<type>/<stem>_mask.png`). Test sets of datasets with masks give every sample a
 * mask (all zero for `good`).
 *
 * @throws {@link DatasetError} for a missing folder or an empty training set;
 *   {@link DatasetScanError} listing every anomalous image without a mask.
 * @example
 * ```ts
 * const train = mvtecDataset({ root: '/data/mvtec', className: 'bottle', split: 'train', size: 512 });
 * const s = await train.get(0); // s.image: Float32Array(512*512*3)
 * ```
 */
export function mvtecDataset(options: LayoutDatasetOptions): ImageDataset {
  return new ImageDataset(layoutSpec(MVTEC, options), options);
}

/**
 * A VisA class in the 1-class MVTec-style layout (`test/good`, `test/bad`,
 * `ground_truth/bad/<stem>.png`).
 *
 * @example
 * ```ts
 * const test = visaDataset({ root: '/data/VisA_pytorch/1cls', className: 'candle', split: 'test', size: 512 });
 * ```
 */
export function visaDataset(options: LayoutDatasetOptions): ImageDataset {
  return new ImageDataset(layoutSpec(VISA, options), options);
}
