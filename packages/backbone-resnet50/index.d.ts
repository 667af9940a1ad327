/** Description of the weights, for reports. */
export declare const RESNET50: {
  readonly arch: 'keras_resnet50';
  readonly description: string;
  readonly file: string;
};

/**
 * Absolute path of the Keras ResNet-50 ImageNet weights' `model.json` (a TensorFlow.js layers
 * model; its 25 shards sit beside it). Throws one line saying what to do when they are missing.
 *
 * @example
 * ```ts
 * import { resnet50ModelFile } from '@msflow/backbone-resnet50';
 * const file = resnet50ModelFile(); // .../node_modules/@msflow/backbone-resnet50/ResNet50/model.json
 * ```
 */
export declare function resnet50ModelFile(): string;
