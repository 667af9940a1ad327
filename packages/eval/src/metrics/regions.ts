/**
 * Ground-truth regions of a stack of masks, for the PRO metrics: every pixel gets the global id
 * of its 8-connected region (0 = normal pixel).
 */
import { labelComponents } from './components.js';
import { labelParts, type LabelInput } from './inputs.js';

/** Regions of all masks of a test set. */
export interface RegionIndex {
  /** Per pixel (images concatenated): global region id, 0 for normal pixels. */
  regionOf: Uint32Array;
  /** `areas[id]` = pixel count of region `id` (index 0 unused). */
  areas: Float64Array;
  /** Number of regions over all images. */
  count: number;
  /** Number of normal (mask 0) pixels. */
  negatives: number;
  /** Number of images. */
  images: number;
}

/**
 * Labels the regions of every mask (`height*width` pixels per image; a flat array holds
 * consecutive images).
 *
 * @example
 * ```ts
 * const r = indexRegions([maskA, maskB], 256, 256); // r.count regions, r.negatives normal pixels
 * ```
 */
export function indexRegions(masks: LabelInput, width: number, height: number): RegionIndex {
  const px = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`invalid image shape ${width}x${height}`);
  }
  const parts = labelParts(masks);
  let total = 0;
  for (const [i, p] of parts.entries()) {
    if (p.length % px !== 0) throw new Error(`mask array ${i} has ${p.length} pixels, not a multiple of ${width}x${height}`);
    total += p.length;
  }
  const regionOf = new Uint32Array(total);
  const areas: number[] = [0];
  let negatives = 0;
  let offset = 0;
  const img = new Uint8Array(px);
  for (const p of parts) {
    for (let start = 0; start < p.length; start += px) {
      let any = 0;
      if (p instanceof Uint8Array) {
        for (let i = 0; i < px; i++) any |= img[i] = p[start + i] > 0 ? 1 : 0;
      } else {
        for (let i = 0; i < px; i++) {
          const v = p[start + i];
          any |= img[i] = (typeof v === 'boolean' ? v : v > 0) ? 1 : 0;
        }
      }
      if (!any) {
        negatives += px;
        offset += px;
        continue;
      }
      const c = labelComponents(img, width, height);
      const base = areas.length - 1;
      for (let k = 1; k <= c.count; k++) areas.push(c.areas[k]);
      for (let i = 0; i < px; i++) {
        const l = c.labels[i];
        if (l) regionOf[offset + i] = base + l;
        else negatives++;
      }
      offset += px;
    }
  }
  return { regionOf, areas: Float64Array.from(areas), count: areas.length - 1, negatives, images: total / px };
}
