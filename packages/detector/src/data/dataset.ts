import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { folderDataset, ImageDataset, isImageFile, mvtecDataset, visaDataset, type Split } from '@msflow/data';
import { DetectorError } from '../errors.js';

/** Dataset layouts the CLI reads. */
export const DATASET_KINDS = ['mvtec', 'visa', 'folder'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/**
 * Where a class's images are: recorded in checkpoints so `test` and `--resume` find them again.
 * For `folder`, `root` is the folder of normal (training) images, and the test split is
 * `testDir` (a folder with `good/` and one folder per defect type, like MVTec's `test/`).
 */
export interface DatasetRef {
  kind: DatasetKind;
  root: string;
  className: string;
  testDir?: string;
  masksDir?: string;
}

/** Options for opening a split. */
export interface OpenOptions {
  /** Network input size [height, width]. */
  size: [number, number];
  /** Keep the resized 8-bit RGB (for heatmaps and reports). */
  keepRgb?: boolean;
}

/**
 * Opens one split of a dataset with values in [0, 1] (the backbone applies its own
 * normalisation). Missing folders and empty training folders fail with one line naming the path.
 *
 * @example
 * ```ts
 * const train = openSplit({ kind: 'mvtec', root: 'data/mvtec', className: 'bottle' }, 'train', { size: [128, 128] });
 * ```
 */
export function openSplit(ref: DatasetRef, split: Split, options: OpenOptions): ImageDataset {
  const common = { size: options.size, normalization: null, keepRgb: options.keepRgb ?? false };
  if (ref.kind === 'folder') {
    if (split === 'train') return folderDataset({ ...common, normalDir: ref.root, name: ref.className });
    const dir = ref.testDir;
    if (!dir) throw new DetectorError(`${ref.root}: a folder dataset has no test split; pass --test-dir <folder with good/ and defect folders>`);
    return testFolderDataset(dir, ref.masksDir, common);
  }
  const open = ref.kind === 'mvtec' ? mvtecDataset : visaDataset;
  return open({ ...common, root: ref.root, className: ref.className, split });
}

/** Whether the dataset has a test split on disk (so training can evaluate each meta-epoch). */
export function hasTestSplit(ref: DatasetRef): boolean {
  if (ref.kind === 'folder') return !!ref.testDir && existsSync(ref.testDir);
  return existsSync(join(ref.root, ref.className, 'test'));
}

function testFolderDataset(dir: string, masksDir: string | undefined, common: { size: [number, number]; normalization: null; keepRgb: boolean }): ImageDataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DetectorError(`${dir}: test folder does not exist (expected good/ and one folder per defect type)`);
  const types = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort();
  const parts = types.map((t) =>
    t === 'good'
      ? folderDataset({ ...common, normalDir: join(dir, t) })
      : folderDataset({ ...common, abnormalDir: join(dir, t), maskDir: masksDir ? join(masksDir, t) : undefined }),
  );
  if (parts.length === 0) throw new DetectorError(`${dir}: no test images (expected good/ and one folder per defect type)`);
  const entries = parts.flatMap((p) => p.entries.map(({ index: _index, ...e }) => e));
  return new ImageDataset({ name: `folder/${basename(dir)}`, root: dir, entries, hasMasks: parts.some((p) => p.hasMasks) }, common);
}

/**
 * Class names under a dataset root (folders holding `train/good`), for `--class all`.
 *
 * @example
 * ```ts
 * listClasses('data/mvtec'); // ['bottle', 'cable', ...]
 * ```
 */
export function listClasses(root: string): string[] {
  if (!existsSync(root)) throw new DetectorError(`${root}: dataset folder does not exist`);
  const names = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'train', 'good')))
    .sort();
  if (names.length === 0) throw new DetectorError(`${root}: no class folders with train/good inside (expected <root>/<class>/train/good)`);
  return names;
}

/**
 * Image files from arguments that are files or folders (folders: their images, sorted; not
 * recursive), as a dataset without labels.
 *
 * @example
 * ```ts
 * const ds = imagesDataset(['a.png', 'more/'], { size: [128, 128], keepRgb: true });
 * ```
 */
export function imagesDataset(paths: readonly string[], options: OpenOptions): ImageDataset {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new DetectorError(`${p}: no such file or folder`);
    if (statSync(p).isDirectory()) {
      const found = readdirSync(p).filter(isImageFile).sort();
      if (found.length === 0) throw new DetectorError(`${p}: no images in this folder (expected *.png, *.jpg or *.jpeg files)`);
      files.push(...found.map((f) => resolve(p, f)));
    } else files.push(resolve(p));
  }
  if (files.length === 0) throw new DetectorError('no images given');
  return new ImageDataset(
    { name: 'images', root: '.', entries: files.map((path) => ({ path, type: 'unknown', label: 0 as const })), hasMasks: false },
    { size: options.size, normalization: null, keepRgb: options.keepRgb ?? false },
  );
}
