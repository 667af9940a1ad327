export { KnnBaseline, type KnnOptions, type KnnScores, type KnnDescription } from './knn.js';
export { nearestDistances, makeBank, rowNorms, jsDot, backendDot, dotDescription, type Bank, type DotProducts, type NearestOptions } from './distances.js';
export { selectCoreset, type CoresetOptions } from './coreset.js';
export { imagePatches, patchLayout, type PatchLayout, type PatchOptions } from './patches.js';
export { resizeBilinear, localMean, gaussianBlur } from './resample.js';
// The kernel is core's (the map smoothing in the MSFlow scorer uses the same weights).
export { gaussianKernel } from '@msflow/core';
