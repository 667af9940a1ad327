/**
 * A per-class contact sheet: for each test image, the image with its ground-truth outline next
 * to the heatmap overlay with the predicted-mask outline, under a bar coloured by the label.
 */
import { resizeNearest, type RgbImage } from '@msflow/data';
import { drawContour, heatmapOverlay, thresholdMap, valueRange } from './overlay.js';

/** One test image on the sheet. */
export interface SheetItem {
  /** The image at the map's resolution (8-bit RGB). */
  image: RgbImage;
  /** Anomaly map, one value per pixel. */
  map?: ArrayLike<number>;
  /** Ground-truth mask (0/1). */
  mask?: ArrayLike<number>;
  /** Predicted mask; if absent and `threshold` is set, `map ≥ threshold`. */
  predMask?: ArrayLike<number>;
  label?: 0 | 1;
}

/** Options of {@link contactSheet}. */
export interface ContactSheetOptions {
  /** Items per row (default 4). */
  columns?: number;
  /** Panel size in pixels (default: the image size); panels are resized with nearest. */
  tile?: number;
  /** Colormap range shared by all heatmaps (default: min/max over all maps). */
  vmin?: number;
  vmax?: number;
  /** Threshold for predicted masks (e.g. the pixel F1-max threshold). */
  threshold?: number;
  /** Heatmap opacity (default 0.4). */
  alpha?: number;
  /** Gap between panels (default 4). */
  padding?: number;
}

const GT: [number, number, number] = [0, 255, 0];
const PRED: [number, number, number] = [255, 255, 255];
const BG = 32;
const BAR = 4;

function scale(img: RgbImage, tile: number): RgbImage {
  if (img.width === tile && img.height === tile) return img;
  return { width: tile, height: tile, data: resizeNearest(img.data, img.width, img.height, 3, tile, tile) };
}

function blit(dst: RgbImage, src: RgbImage, x0: number, y0: number): void {
  for (let y = 0; y < src.height; y++) {
    const o = ((y0 + y) * dst.width + x0) * 3;
    dst.data.set(src.data.subarray(y * src.width * 3, (y + 1) * src.width * 3), o);
  }
}

function fillRect(dst: RgbImage, x0: number, y0: number, w: number, h: number, c: readonly number[]): void {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const o = (y * dst.width + x) * 3;
      dst.data[o] = c[0];
      dst.data[o + 1] = c[1];
      dst.data[o + 2] = c[2];
    }
  }
}

/**
 * Lays out the items in a grid; each item is two panels: image + GT outline (green), and heatmap
 * overlay (jet, α 0.4) + predicted outline (white). A bar above each item is red for anomalous,
 * green for normal, grey when unknown.
 *
 * @example
 * ```ts
 * const sheet = contactSheet(items, { columns: 4, tile: 128, threshold: f1.threshold });
 * writeRgbPng('runs/x/sheet.png', sheet);
 * ```
 */
export function contactSheet(items: readonly SheetItem[], options: ContactSheetOptions = {}): RgbImage {
  if (items.length === 0) throw new Error('contactSheet: no items');
  const cols = Math.max(1, Math.min(options.columns ?? 4, items.length));
  const pad = options.padding ?? 4;
  const tile = options.tile ?? Math.max(...items.map((it) => Math.max(it.image.width, it.image.height)));
  let { vmin, vmax } = options;
  if (vmin === undefined || vmax === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const it of items) {
      if (!it.map) continue;
      const r = valueRange(it.map);
      lo = Math.min(lo, r.min);
      hi = Math.max(hi, r.max);
    }
    vmin ??= lo;
    vmax ??= hi;
  }
  const rows = Math.ceil(items.length / cols);
  const cellW = 2 * tile + pad;
  const cellH = tile + BAR;
  const width = cols * cellW + (cols + 1) * pad;
  const height = rows * cellH + (rows + 1) * pad;
  const sheet: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(BG) };
  items.forEach((it, k) => {
    const { width: w, height: h } = it.image;
    const x0 = pad + (k % cols) * (cellW + pad);
    const y0 = pad + Math.floor(k / cols) * (cellH + pad);
    const bar = it.label === 1 ? [220, 40, 40] : it.label === 0 ? [40, 180, 40] : [128, 128, 128];
    fillRect(sheet, x0, y0, cellW, BAR, bar);
    let left = it.image;
    if (it.mask) left = drawContour(left, it.mask, GT);
    let right = it.map ? heatmapOverlay(it.image, it.map, { vmin, vmax, alpha: options.alpha }) : it.image;
    const pred = it.predMask ?? (it.map && options.threshold !== undefined ? thresholdMap(it.map, options.threshold) : undefined);
    if (pred) right = drawContour(right, pred, PRED);
    if (it.mask) right = drawContour(right, it.mask, GT);
    if (w !== h || w !== tile) {
      left = scale(left, tile);
      right = scale(right, tile);
    }
    blit(sheet, left, x0, y0 + BAR);
    blit(sheet, right, x0 + tile + pad, y0 + BAR);
  });
  return sheet;
}
