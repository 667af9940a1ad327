/**
 * `@msflow/eval/browser`: the parts of `@msflow/eval` that touch no file system, for pages and
 * bundlers: heatmap and defect overlays, the colour scale, F1-max. Everything here is also
 * exported from `@msflow/eval`; the image transform is in `@msflow/data/browser`.
 *
 * @packageDocumentation
 */
export { heatmapOverlay, defectOverlay, drawContour, thresholdMap, valueRange, type OverlayOptions, type DefectOverlayOptions } from './viz/overlay.js';
export { jet, JET_LUT } from './viz/colormap.js';
export { f1Max, type F1Max } from './metrics/f1.js';
