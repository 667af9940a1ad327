import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { ConfigOverrides } from '@msflow/core';
import { resolveModelConfig, type BackboneChoice } from '../backbone/backbone.js';
import { hasTestSplit, openSplit, type DatasetRef } from '../data/dataset.js';
import { UsageError } from '../errors.js';
import { readCheckpoint } from '../model/checkpoint.js';
import { ExecutionPlan, type PlanOptions } from '../plan/plan.js';
import { DEFAULT_FPR, DEFAULT_VAL_SPLIT } from '../model/thresholds.js';
import type { FitHooks, FitRequest } from './fit.js';

/** Options of `Detector.fit`. */
export interface FitOptions extends PlanOptions, FitHooks {
  /**
   * The normal training images: a folder of images, or a dataset (`{ kind: 'mvtec', root,
   * className }`; its test split is evaluated after every meta-epoch). Optional with `resume`.
   */
  train?: string | DatasetRef;
  /** Labelled test images for a folder `train`: a folder holding `good/` and one folder per defect type. */
  test?: string;
  /** Masks of `test`: one folder per defect type. */
  masks?: string;
  /** Evaluate on the test split after every meta-epoch (default: true when there is one; a resumed run keeps its own choice). */
  evaluate?: boolean;
  /** Model preset: `cpu` (default), `cpu-quality` (512 px), `paper`, or `cpu-resnet18` (with a resnet18 `backbone` file). */
  preset?: string;
  /** Any model config fields to change, e.g. `{ inputSize: [128, 128], train: { metaEpochs: 2 } }`. */
  config?: ConfigOverrides;
  /** Seed of initialisation, permutations, shuffling and the validation split (default: the preset's). */
  seed?: number;
  /** `default` (the built-in ImageNet ResNet-50), `random`, or a weights file (.onnx, .safetensors, tfjs model.json). */
  backbone?: BackboneChoice;
  /**
   * Hold out this fraction of the normal images to choose the threshold on (default 0.2; when
   * that would hold out a single image, none is held out and the training images' own scores
   * choose it, optimistically).
   */
  valSplit?: number;
  /** False-positive rate of the image threshold, chosen on the held-out normal images (default 0.01). */
  fpr?: number;
  /** Training features: `auto` (default: a float16 file when they would take over a quarter of RAM), `memory` or `disk`. */
  featureCache?: 'auto' | 'memory' | 'disk';
  /** Where a disk feature cache goes (default: the system's temporary folder); removed when the fit ends. */
  cacheDir?: string;
  /** A checkpoint (file or folder) whose interrupted run continues. */
  resume?: string;
  /** An execution plan already resolved (e.g. one for several fits); else one from `backend`, `trainer`, `executionProviders`. */
  plan?: ExecutionPlan;
}

let fits = 0;

function fraction(value: number | undefined, option: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value >= min && value <= max)) throw new UsageError(`expected a number in [${min}, ${max}], got ${value}`, { option });
  return value;
}

/**
 * Checks fit options and opens what they name: the plan is checked before any image is read (a
 * bad execution provider fails at once), the dataset folders before any backend starts.
 * Returns the request and a cleanup that removes the feature cache.
 */
export async function resolveFitRequest(o: FitOptions): Promise<{ request: FitRequest; cleanup: () => void }> {
  const checked = o.plan ?? (await ExecutionPlan.check(o));
  const explicitModel = o.preset !== undefined || o.config !== undefined || o.seed !== undefined;
  const backbone = o.backbone ?? 'default';
  const expect = !o.resume || explicitModel ? resolveModelConfig(o.preset ?? 'cpu', { ...o.config, ...(o.seed !== undefined ? { seed: o.seed } : {}) }, backbone) : undefined;
  const resume = o.resume ? readCheckpoint(o.resume, { expect: explicitModel ? expect : undefined }) : undefined;
  if (resume && !resume.sidecar.training) throw new UsageError(`${resume.paths.sidecar}: checkpoint has no training state to resume (saved without its optimizer)`, { option: 'resume' });
  const recorded = resume?.sidecar.cli;
  const config = resume ? resume.sidecar.config : expect!;
  let ref: DatasetRef | undefined;
  if (typeof o.train === 'string') ref = { kind: 'folder', root: resolve(o.train), className: basename(resolve(o.train)), ...(o.test ? { testDir: resolve(o.test) } : {}), ...(o.masks ? { masksDir: resolve(o.masks) } : {}) };
  else if (o.train) ref = { ...o.train, root: resolve(o.train.root) };
  else ref = recorded?.dataset;
  if (!ref) throw new UsageError('required (a folder of normal images, or a dataset such as { kind: "mvtec", root, className })', { option: 'train' });
  const train = openSplit(ref, 'train', { size: config.inputSize });
  // A resumed run keeps its own evaluate / no-evaluate choice unless the option is given again.
  const evaluate = o.evaluate ?? recorded?.evaluate ?? true;
  const test = evaluate && hasTestSplit(ref) ? openSplit(ref, 'test', { size: config.inputSize, keepRgb: true }) : undefined;
  const plan = checked instanceof ExecutionPlan ? checked : await checked.start();
  // The pid comes last: a sweep of caches left by killed processes reads it from the name.
  const path = join(o.cacheDir ?? tmpdir(), `${ref.className || 'train'}-${fits++}-${process.pid}.safetensors`);
  const cleanup = () => {
    rmSync(path, { force: true });
    rmSync(path.replace(/\.safetensors$/, '-shifted.safetensors'), { force: true });
  };
  process.once('exit', cleanup);
  return {
    request: {
      plan,
      config,
      preset: resume?.sidecar.preset ?? o.preset ?? 'cpu',
      backbone: recorded?.backbone ?? backbone,
      train,
      test,
      evaluate,
      dataset: ref,
      valSplit: recorded?.split?.valSplit ?? fraction(o.valSplit, 'valSplit', 0, 0.5, DEFAULT_VAL_SPLIT),
      valSplitChosen: recorded?.split !== undefined || o.valSplit !== undefined,
      fpr: recorded?.split?.fpr ?? fraction(o.fpr, 'fpr', 0, 0.5, DEFAULT_FPR),
      featureCache: { mode: o.featureCache ?? 'auto', path },
      resume,
    },
    cleanup: () => {
      process.off('exit', cleanup);
      cleanup();
    },
  };
}
