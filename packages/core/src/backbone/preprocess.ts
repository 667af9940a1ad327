import { gather } from '../ops/layout.js';
import { div, sub } from '../ops/elementwise.js';
import { tensor } from '../ops/creation.js';
import { check, fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Preprocess } from './types.js';

/** torchvision / timm: RGB in [0, 1], ImageNet mean and std (the MSFlow paper's input). */
export const IMAGENET_PREPROCESS: Preprocess = {
  name: 'imagenet',
  channelOrder: 'rgb',
  scale: 1,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  description: 'RGB in [0,1], minus ImageNet mean (0.485,0.456,0.406), divided by std (0.229,0.224,0.225) (torchvision)',
};

/**
 * Keras `resnet50.preprocess_input` ("caffe" mode): RGB to BGR, values in [0, 255], minus the
 * ImageNet BGR mean, no std scaling.
 */
export const CAFFE_PREPROCESS: Preprocess = {
  name: 'caffe',
  channelOrder: 'bgr',
  scale: 255,
  mean: [103.939, 116.779, 123.68],
  std: [1, 1, 1],
  description: 'BGR in [0,255] minus mean (103.939,116.779,123.68), no std (Keras caffe mode)',
};

/** Keras MobileNet ("tf" mode): RGB scaled to [-1, 1]. */
export const TF_PREPROCESS: Preprocess = {
  name: 'tf',
  channelOrder: 'rgb',
  scale: 1,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  description: 'RGB scaled to [-1,1] (Keras tf mode)',
};

/** RGB in [0, 1] unchanged (e.g. the nsfwjs models). */
export const UNIT_PREPROCESS: Preprocess = {
  name: 'unit',
  channelOrder: 'rgb',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  description: 'RGB in [0,1], no normalisation',
};

/**
 * Normalises interleaved RGB values in [0, 1] (NHWC, any number of pixels) for a backbone.
 *
 * @example
 * ```ts
 * const input = preprocessPixels(rgb01, backbone.preprocess); // BGR, mean-subtracted for Keras ResNet50
 * ```
 */
export function preprocessPixels(rgb01: Float32Array, p: Preprocess): Float32Array {
  check(rgb01.length % 3 === 0, 'preprocessPixels', `expected interleaved RGB, got ${rgb01.length} values`);
  const out = new Float32Array(rgb01.length);
  const src = p.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let i = 0; i < rgb01.length; i += 3) {
    for (let c = 0; c < 3; c++) out[i + c] = (rgb01[i + src[c]] * p.scale - p.mean[c]) / p.std[c];
  }
  return out;
}

/**
 * The same normalisation as core ops on an NHWC RGB tensor with values in [0, 1].
 *
 * @example
 * ```ts
 * const feats = backbone.extract(normalizeInput(rgb, backbone.preprocess));
 * ```
 */
export function normalizeInput(x: Tensor, p: Preprocess): Tensor {
  check(x.rank === 4 && x.shape[3] === 3, 'normalizeInput', `expected NHWC RGB, got ${fmt(x.shape)}`);
  const ordered = p.channelOrder === 'bgr' ? gather(x, [2, 1, 0], 3) : x;
  const mean = tensor(p.mean.map((m) => m / p.scale), [3]);
  const std = tensor(p.std.map((s) => s / p.scale), [3]);
  return div(sub(ordered, mean), std);
}

