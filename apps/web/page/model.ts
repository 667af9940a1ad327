import { architecture, CHECKPOINT_FORMAT, sidecarCrc32, type CheckpointSidecar, type Preprocess, type ScoreNormalization } from '@msflow/core';
import { PageError } from './errors.js';

/**
 * The image threshold on the user-facing score, with what the page draws by: the normalisation
 * (threshold at 0.5), the pixel threshold (defect contour) and the model's one colour scale.
 */
export interface PageThreshold {
  value: number;
  from: string;
  normalization?: ScoreNormalization;
  pixel?: { threshold: number; low: number };
}

/** The stored normal-image threshold of a sidecar (older sidecars hold thresholds on the paper's score: none). */
export function storedThreshold(sidecar: ModelBundle['sidecar']): PageThreshold | undefined {
  const n = sidecar.cli?.thresholds?.normal;
  if (!n) return undefined;
  return { value: n.value, from: `FPR ${n.targetFpr} on ${n.images} ${n.source === 'validation' ? 'held-out' : 'training'} normal images (stored)`, normalization: { threshold: n.value, ...n.normal }, pixel: n.pixel };
}

/** What `msflow serve` puts at `api/model` (written by the CLI's `prepareWebModel`). */
export interface ServedManifest {
  name: string;
  inputSize: [number, number];
  backbone: { arch: string; padMode: string; weights: 'random' | 'file'; source: string };
  preprocess: Preprocess;
  threshold?: PageThreshold;
  files: { sidecar: string; weights: string; onnx: string; backbone?: string };
}

/** Bytes of one model file, fetched or read only when a scorer needs them. */
export type LazyBytes = () => Promise<Uint8Array>;

/** A model the page can score with: a checkpoint's sidecar and whichever files came with it. */
export interface ModelBundle {
  name: string;
  /** Where it came from, for the status line. */
  origin: string;
  sidecar: CheckpointSidecar & {
    cli?: {
      backbone?: string;
      dataset?: { className?: string };
      thresholds?: { normal?: { value: number; targetFpr: number; source: string; images: number; normal: { min: number; max: number }; pixel: { threshold: number; low: number } } };
    };
  };
  inputSize: [number, number];
  backbone: ServedManifest['backbone'];
  preprocess: Preprocess;
  threshold?: PageThreshold;
  /** The checkpoint's safetensors (the WebGPU path). */
  weights?: LazyBytes;
  /** The `msflow export` model (the onnxruntime-web path). */
  onnx?: LazyBytes;
  /** Folded backbone weights, for backbones that are not `random`. */
  backboneWeights?: LazyBytes;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new PageError('load', `could not load ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Caches a lazy load, so a file is fetched once. */
function once(load: LazyBytes): LazyBytes {
  let p: Promise<Uint8Array> | undefined;
  return () => (p ??= load());
}

/** The model `msflow serve` preloaded, or undefined when the page is served without one. */
export async function loadServedModel(base = ''): Promise<ModelBundle | undefined> {
  const res = await fetch(`${base}api/model`).catch(() => undefined);
  if (!res || !res.ok) return undefined;
  const m = (await res.json()) as ServedManifest;
  const sidecar = JSON.parse(new TextDecoder().decode(await fetchBytes(base + m.files.sidecar))) as ModelBundle['sidecar'];
  return {
    name: m.name,
    origin: 'msflow serve',
    sidecar,
    inputSize: m.inputSize,
    backbone: m.backbone,
    preprocess: m.preprocess,
    threshold: m.threshold,
    weights: once(() => fetchBytes(base + m.files.weights)),
    onnx: once(() => fetchBytes(base + m.files.onnx)),
    backboneWeights: m.files.backbone ? once(() => fetchBytes(base + m.files.backbone!)) : undefined,
  };
}

/** Checks that parsed JSON is an msflow checkpoint sidecar; the message names the file. */
function asSidecar(value: unknown, file: string): ModelBundle['sidecar'] {
  const s = value as Partial<ModelBundle['sidecar']> | null;
  const size = s?.config?.inputSize;
  if (!s || s.format !== CHECKPOINT_FORMAT || !Array.isArray(size) || typeof s.config?.backbone !== 'string') {
    throw new PageError('model', `${file} is not an msflow checkpoint (expected the model.json that msflow train writes next to model.safetensors)`);
  }
  // The ONNX path never loads the weights through the checkpoint reader: check what it uses here.
  if ((s.formatVersion ?? 1) >= 2 && sidecarCrc32(s as Record<string, unknown>) !== s.sidecarCrc32) {
    throw new PageError('model', `${file}: the checkpoint's CRC-32 does not match (edited or corrupt: config, permutations or thresholds changed since it was written)`);
  }
  for (const [kind, t] of Object.entries(s.cli?.thresholds ?? {})) {
    if (typeof t?.value !== 'number' || !Number.isFinite(t.value)) throw new PageError('model', `${file}: field cli.thresholds.${kind}.value is not a number`);
  }
  // What the page draws by: the normalisation, the pixel threshold and the colour scale.
  const n = s.cli?.thresholds?.normal;
  for (const [field, v] of Object.entries({ 'normal.min': n?.normal?.min, 'normal.max': n?.normal?.max, 'pixel.threshold': n?.pixel?.threshold, 'pixel.low': n?.pixel?.low })) {
    if (n && !Number.isFinite(v)) throw new PageError('model', `${file}: field cli.thresholds.normal.${field} is not a number`);
  }
  return s as ModelBundle['sidecar'];
}

/**
 * A model from files the user picked or dropped: the checkpoint's `model.json` (required) with
 * `model.safetensors` (WebGPU), an exported `.onnx` (onnxruntime-web) and/or `backbone.safetensors`.
 */
export async function modelFromFiles(files: readonly File[]): Promise<ModelBundle> {
  const json = files.filter((f) => f.name.endsWith('.json'));
  const onnx = files.find((f) => f.name.endsWith('.onnx'));
  const tensors = files.filter((f) => f.name.endsWith('.safetensors'));
  const backbone = tensors.find((f) => f.name.includes('backbone'));
  const weights = tensors.find((f) => f !== backbone);
  const other = files.find((f) => !json.includes(f) && f !== onnx && !tensors.includes(f));
  if (other) throw new PageError('model', `${other.name}: not a model file (pick the checkpoint's model.json with model.safetensors and/or an exported .onnx)`);
  if (json.length !== 1) throw new PageError('model', json.length ? 'pick one model.json, not several' : "the checkpoint's model.json is needed too (it holds the configuration, the input size and the threshold)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(await json[0].text());
  } catch {
    throw new PageError('model', `${json[0].name} is not valid JSON`);
  }
  const sidecar = asSidecar(parsed, json[0].name);
  if (!weights && !onnx) throw new PageError('model', `${json[0].name} alone cannot score: add model.safetensors (WebGPU) or the exported .onnx (onnxruntime-web)`);
  const c = sidecar.config;
  const random = (sidecar.cli?.backbone ?? sidecar.backbone?.weights) === 'random';
  const arch = architecture(c.backbone, { padMode: c.backbonePadding });
  const threshold = storedThreshold(sidecar);
  const bytes = (f: File) => once(async () => new Uint8Array(await f.arrayBuffer()));
  return {
    name: sidecar.cli?.dataset?.className ?? json[0].name,
    origin: 'picked files',
    sidecar,
    inputSize: [c.inputSize[0], c.inputSize[1]],
    backbone: { arch: c.backbone, padMode: c.backbonePadding, weights: random ? 'random' : 'file', source: random ? `random(seed ${c.seed})` : (backbone?.name ?? 'missing') },
    preprocess: arch.preprocess,
    threshold,
    weights: weights ? bytes(weights) : undefined,
    onnx: onnx ? bytes(onnx) : undefined,
    backboneWeights: backbone ? bytes(backbone) : undefined,
  };
}
