/**
 * The synthetic anomaly-detection class generator (in memory): normal training images, normal
 * test images and anomalous test images with exact masks, all deterministic from one seed.
 */
import { Rng } from '@msflow/core';
import type { RawImage } from '../io/raw_image.js';
import { toImageSize, type SizeLike } from '../image/preprocess.js';
import { ANOMALY_KINDS, ANOMALY_SIZES, paintAnomaly, type AnomalyKind, type AnomalySize } from './anomalies.js';
import { drawClassStyle, renderScene, SCENE_FAMILIES, type SceneFamily } from './scenes.js';

/** Options of {@link generateSyntheticClass}. */
export interface SyntheticClassOptions {
  /** Scene family (default `woven`). */
  family?: SceneFamily;
  /** Class folder name (default `synth_<family>`). */
  className?: string;
  /** Image size (default 128; 64-512 are sensible). */
  size?: SizeLike;
  /** Seed of everything (default 0). */
  seed?: number;
  /** Normal training images (default 40). */
  trainCount?: number;
  /** Normal test images (default 10). */
  testGoodCount?: number;
  /** Anomalous test images, spread round-robin over `kinds` (default 20). */
  testAnomalyCount?: number;
  /** Defect kinds to use (default all). */
  kinds?: readonly AnomalyKind[];
  /** Size classes to draw from (default all). */
  sizes?: readonly AnomalySize[];
  /** Store single-channel images (default false: RGB). */
  grayscale?: boolean;
  /** Also return each anomalous image before its defect was painted (default false). */
  includeClean?: boolean;
}

/** One generated image. */
export interface SyntheticImage {
  split: 'train' | 'test';
  /** `good` or the defect kind (its folder name). */
  type: string;
  label: 0 | 1;
  /** File stem within its type folder (`000`, `001`, …). */
  name: string;
  /** 8-bit image, 3 channels (1 when `grayscale`). */
  image: RawImage;
  /** 0/1 mask (all zero for normal images). */
  mask: Uint8Array;
  /** Size class of the defect. */
  anomalySize?: AnomalySize;
  /** The same image without the defect (anomalous images, with `includeClean`). */
  clean?: RawImage;
}

/** A generated class. */
export interface SyntheticClass {
  className: string;
  family: SceneFamily;
  height: number;
  width: number;
  train: SyntheticImage[];
  /** Sorted like a loader would list them: by type folder, then name. */
  test: SyntheticImage[];
}

/**
 * A 32-bit seed mixed from several integers (order matters).
 *
 * @example
 * ```ts
 * new Rng(deriveSeed(seed, 2, index)); // one independent stream per image
 * ```
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(p / 4294967296), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

function toRaw(rgb: Uint8Array, width: number, height: number, grayscale: boolean): RawImage {
  if (!grayscale) return { width, height, channels: 3, depth: 8, data: rgb };
  const g = new Uint8Array(width * height);
  for (let i = 0; i < g.length; i++) g[i] = Math.round(0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]);
  return { width, height, channels: 1, depth: 8, data: g };
}

/**
 * Generates a synthetic class in memory. Every image depends only on (seed, split, type, index),
 * so the same options always give the same pixels.
 *
 * @example
 * ```ts
 * const cls = generateSyntheticClass({ family: 'tiles', size: 128, seed: 1, trainCount: 8 });
 * cls.test.filter((s) => s.label === 1).length; // 20
 * ```
 */
export function generateSyntheticClass(options: SyntheticClassOptions = {}): SyntheticClass {
  const family = options.family ?? 'woven';
  if (!SCENE_FAMILIES.includes(family)) throw new Error(`unknown family '${String(family)}' (expected one of ${SCENE_FAMILIES.join(', ')})`);
  const { height, width } = toImageSize(options.size ?? 128);
  if (Math.min(height, width) < 16) throw new Error(`synthetic images must be at least 16 px, got ${width}x${height}`);
  const seed = deriveSeed(options.seed ?? 0, SCENE_FAMILIES.indexOf(family));
  const kinds = [...(options.kinds ?? ANOMALY_KINDS)].sort();
  for (const k of kinds) if (!ANOMALY_KINDS.includes(k)) throw new Error(`unknown anomaly kind '${k}' (expected one of ${ANOMALY_KINDS.join(', ')})`);
  const sizes = options.sizes ?? ANOMALY_SIZES;
  const grayscale = options.grayscale ?? false;
  const style = drawClassStyle(family, width, height, new Rng(deriveSeed(seed, 1)));
  const count = (v: number | undefined, d: number, what: string): number => {
    const n = v ?? d;
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
    return n;
  };
  const nTrain = count(options.trainCount, 40, 'trainCount');
  const nGood = count(options.testGoodCount, 10, 'testGoodCount');
  const nBad = count(options.testAnomalyCount, 20, 'testAnomalyCount');
  if (nBad > 0 && kinds.length === 0) throw new Error('kinds must not be empty when testAnomalyCount > 0');
  const stem = (i: number): string => String(i).padStart(3, '0');

  const normal = (split: 'train' | 'test', i: number): SyntheticImage => {
    const scene = renderScene(style, new Rng(deriveSeed(seed, split === 'train' ? 2 : 3, i)));
    return {
      split,
      type: 'good',
      label: 0,
      name: stem(i),
      image: toRaw(scene.canvas.toRgb8(), width, height, grayscale),
      mask: new Uint8Array(width * height),
    };
  };
  const train = Array.from({ length: nTrain }, (_, i) => normal('train', i));
  const test: SyntheticImage[] = [];
  const perKind = new Map<string, number>();
  const anomalous: SyntheticImage[] = [];
  for (let j = 0; j < nBad; j++) {
    const kind = kinds[j % kinds.length];
    const k = perKind.get(kind) ?? 0;
    perKind.set(kind, k + 1);
    const rng = new Rng(deriveSeed(seed, 4, ANOMALY_KINDS.indexOf(kind), k));
    const scene = renderScene(style, rng);
    const clean = options.includeClean ? toRaw(scene.canvas.toRgb8(), width, height, grayscale) : undefined;
    const anomalySize = sizes[rng.int(sizes.length)];
    const mask = paintAnomaly(scene, style, kind, anomalySize, rng);
    const img: SyntheticImage = { split: 'test', type: kind, label: 1, name: stem(k), image: toRaw(scene.canvas.toRgb8(), width, height, grayscale), mask, anomalySize };
    if (clean) img.clean = clean;
    anomalous.push(img);
  }
  const good = Array.from({ length: nGood }, (_, i) => normal('test', i));
  // Sorted by type folder like a loader lists them ('good' among the kinds, alphabetically).
  const byType = new Map<string, SyntheticImage[]>();
  for (const s of [...good, ...anomalous]) byType.set(s.type, [...(byType.get(s.type) ?? []), s]);
  for (const t of [...byType.keys()].sort()) test.push(...byType.get(t)!);
  return { className: options.className ?? `synth_${family}`, family, height, width, train, test };
}
