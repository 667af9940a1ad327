import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { architecture, encodeSafetensors, sealSidecar, type NamedArray, type Preprocess } from '@msflow/core';
import { DEFAULT_BACKBONE, defaultBackboneFile, loadBackboneWeights } from '@msflow/data';
import { Detector, pickThreshold, readCheckpoint, type ChosenThreshold } from '@msflow/detector';

/**
 * What `msflow serve` tells the page at `/api/model` (the page's `ServedManifest` reads it):
 * where the files are, the input size, the backbone and the threshold.
 */
export interface WebManifest {
  /** A display name: the class, or the checkpoint folder. */
  name: string;
  inputSize: [number, number];
  /** The backbone the features come from; `random` weights are rebuilt in the page from the seed. */
  backbone: { arch: string; padMode: string; weights: 'random' | 'file'; source: string };
  preprocess: Preprocess;
  /** On the user-facing score, with its normalisation, pixel threshold and colour scale. */
  threshold?: ChosenThreshold;
  /** URLs (relative to the page) of the files. */
  files: { sidecar: string; weights: string; onnx: string; backbone?: string };
}

/**
 * What `msflow serve` tells the page at `/api/train` (the page's `ServedTrainManifest` reads
 * it): the backbone Train mode extracts features with, `--backbone default` of `msflow train`.
 */
export interface TrainManifest {
  backbone: { arch: string; padMode: string; source: string; choice: 'default'; file: string };
}

/** A served file. */
export interface ServedFile {
  bytes: Uint8Array;
  type: string;
}

/** Train mode's manifest, and its backbone file, folded only when first asked for. */
export interface WebTraining {
  manifest: TrainManifest;
  files: Map<string, () => ServedFile>;
}

/** The manifest plus the bytes of every file it names, by URL. */
export interface WebModel {
  manifest: WebManifest;
  files: Map<string, { bytes: Uint8Array; type: string }>;
}

/**
 * What Train mode needs: the default backbone (the one `msflow train` uses) as folded
 * safetensors, prepared on the first request (folding takes a few seconds) and then kept.
 *
 * @example
 * ```ts
 * const training = webTraining();
 * training.manifest.backbone.file; // 'api/train/backbone.safetensors'
 * ```
 */
export function webTraining(): WebTraining {
  const file = 'api/train/backbone.safetensors';
  let folded: ServedFile | undefined;
  return {
    manifest: {
      backbone: { arch: DEFAULT_BACKBONE.arch, padMode: 'zeros', source: `default (${DEFAULT_BACKBONE.arch}, ImageNet weights)`, choice: 'default', file },
    },
    files: new Map([[file, () => (folded ??= { bytes: backboneSafetensors('default', 'zeros').bytes, type: 'application/octet-stream' })]]),
  };
}

/**
 * The backbone's folded weights as safetensors (`<conv>.filter`, `<conv>.bias`, flat float32),
 * for checkpoints whose backbone is a file (the default Keras ResNet-50 or a user file).
 */
function backboneSafetensors(choice: string, padMode: string): { bytes: Uint8Array; arch: string; padMode: string; source: string } {
  const isDefault = choice === 'default';
  const loaded = isDefault
    ? loadBackboneWeights(defaultBackboneFile(), { arch: DEFAULT_BACKBONE.arch })
    : loadBackboneWeights(choice, { padMode: padMode as 'zeros' | 'reflect' });
  const tensors = new Map<string, NamedArray>();
  for (const [name, conv] of loaded.weights) {
    tensors.set(`${name}.filter`, { shape: [conv.filter.length], data: conv.filter });
    tensors.set(`${name}.bias`, { shape: [conv.bias.length], data: conv.bias });
  }
  const source = isDefault ? `default (${DEFAULT_BACKBONE.arch}, ImageNet weights)` : basename(loaded.file);
  return { bytes: encodeSafetensors(tensors, { arch: loaded.spec.id }), arch: loaded.spec.id, padMode: loaded.spec.padMode, source };
}

const looksAbsolute = (v: string) => isAbsolute(v) || /^[A-Za-z]:[\\/]/.test(v) || v.startsWith('~/');

/**
 * A copy of a sidecar with every absolute local path (dataset root, backbone file) cut to its
 * last part, resealed: what the server may show a browser without telling it how this
 * machine's folders are laid out.
 *
 * @example
 * ```ts
 * redactLocalPaths({ cli: { dataset: { root: '/home/me/data' } } }); // { cli: { dataset: { root: 'data' } }, sidecarCrc32: '…' }
 * ```
 */
export function redactLocalPaths<T extends object>(sidecar: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return looksAbsolute(v) ? basename(v.replace(/[\\/]+$/, '')) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return sealSidecar(walk(sidecar) as T);
}

/**
 * Reads a checkpoint and prepares everything the page needs to score images with it: the sidecar
 * and weights as they are (the WebGPU path), the `msflow export` ONNX model (the onnxruntime-web
 * path) and, unless the backbone is `random`, its weights.
 *
 * @example
 * ```ts
 * const model = await prepareWebModel('runs/bottle/latest');
 * model.manifest.files.onnx; // 'api/model.onnx'
 * ```
 */
export async function prepareWebModel(checkpoint: string): Promise<WebModel> {
  const ckpt = readCheckpoint(checkpoint);
  const config = ckpt.sidecar.config;
  const choice = ckpt.sidecar.cli?.backbone ?? 'default';
  const files: WebModel['files'] = new Map();
  const served = redactLocalPaths(JSON.parse(Buffer.from(ckpt.bytes.sidecar).toString('utf8')) as object);
  files.set('api/model.json', { bytes: Buffer.from(JSON.stringify(served, null, 1) + '\n'), type: 'application/json' });
  files.set('api/model.safetensors', { bytes: ckpt.bytes.weights, type: 'application/octet-stream' });
  const tmp = mkdtempSync(join(tmpdir(), 'msflow-serve-'));
  const detector = await Detector.load(checkpoint);
  try {
    await detector.export(join(tmp, 'model.onnx'));
    files.set('api/model.onnx', { bytes: readFileSync(join(tmp, 'model.onnx')), type: 'application/octet-stream' });
  } finally {
    await detector.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
  let backbone: WebManifest['backbone'];
  if (choice === 'random') {
    backbone = { arch: config.backbone, padMode: config.backbonePadding, weights: 'random', source: `random(seed ${config.seed})` };
  } else {
    const b = backboneSafetensors(choice, config.backbonePadding);
    files.set('api/backbone.safetensors', { bytes: b.bytes, type: 'application/octet-stream' });
    backbone = { arch: b.arch, padMode: b.padMode, weights: 'file', source: b.source };
  }
  const runDir = dirname(ckpt.paths.sidecar);
  const manifest: WebManifest = {
    name: ckpt.sidecar.cli?.dataset?.className ?? basename(runDir),
    inputSize: [config.inputSize[0], config.inputSize[1]],
    backbone,
    preprocess: architecture(backbone.arch, { padMode: backbone.padMode as 'zeros' | 'reflect' }).preprocess,
    threshold: pickThreshold(ckpt.sidecar.cli?.thresholds ?? {}, 'auto'),
    files: {
      sidecar: 'api/model.json',
      weights: 'api/model.safetensors',
      onnx: 'api/model.onnx',
      ...(files.has('api/backbone.safetensors') ? { backbone: 'api/backbone.safetensors' } : {}),
    },
  };
  return { manifest, files };
}
