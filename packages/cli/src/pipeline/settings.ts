import { resolve } from 'node:path';
import { PRESETS, type ConfigOverrides, type MSFlowConfig } from '@msflow/core';
import { readConfigFile } from '../util/config.js';
import { checkConfigFile, type KeyKind } from '../util/config_schema.js';
import { choiceFlag, fractionFlag, intFlag, numFlag, UsageError } from '../util/errors.js';
import { DATASET_KINDS, DEFAULT_FPR, DEFAULT_VAL_SPLIT, DetectorError, resolveModelConfig, type DatasetKind, type TrainerChoice } from '@msflow/detector';

/**
 * `--size`: `N` (square) or `HxW` (height x width, e.g. `288x384` for 300x400 portrait images
 * kept near their aspect), each a multiple of 32, the backbone's deepest pooled stride.
 */
export function sizeFlag(value: string | number | undefined, flag = '--size'): [number, number] | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const m = /^(\d+)(?:x(\d+))?$/.exec(text);
  const [h, w] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
  if (!(h >= 32 && w >= 32 && h % 32 === 0 && w % 32 === 0)) {
    throw new UsageError(`${flag}: expected N or HxW (height x width), each a multiple of 32 (the backbone's deepest pooled stride), got '${value}'`);
  }
  return [h, w];
}

/** A comma-separated flag (or a config-file list) as a non-empty list of names. */
function listFlag(value: string | string[] | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : String(value).split(',')).map((s) => String(s).trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError(`${flag}: expected a comma-separated list of names, got '${value}'`);
  return list;
}

/** The defaults of `--val-split` and `--fpr` (decided in `@msflow/detector`, shared with the web page). */
export { DEFAULT_FPR, DEFAULT_VAL_SPLIT };

/** `--fpr` (or `name`, e.g. a config file's key): a false-positive rate in [0, 0.5]. */
export function fprFlag(value: string | number | undefined, name = '--fpr'): number | undefined {
  return fractionFlag(value, name, 0, 0.5);
}

/** Settings of `msflow train` (and the demo), after config file and flags are merged. */
export interface TrainSettings {
  preset: string;
  config: MSFlowConfig;
  /** What the flags and the config file change in the preset (the library resolves `config` from them). */
  overrides: ConfigOverrides;
  /** Dataset root (for `folder`: the normal images). */
  data?: string;
  kind: DatasetKind;
  /** Class folder name, or `all`. */
  className?: string;
  testDir?: string;
  masksDir?: string;
  backend: string;
  backbone: string;
  /** Runs root (`runs`). */
  out: string;
  /** Fraction of normal training images held out for the thresholds (0: none; the training images' own scores are optimistic). */
  valSplit: number;
  /** False-positive rate on the held-out normal images at which the image threshold is chosen. */
  fpr: number;
  /** Evaluate on the test split after every meta-epoch (when there is one). */
  evaluate: boolean;
  /** Whether `--eval`/`--no-eval` (or the file's `eval`) chose it; otherwise a resumed run keeps its own choice. */
  evaluateChosen: boolean;
  /** Whether `valSplit` was given (the default holds nothing out of a set too small to hold out 2 images). */
  valSplitChosen: boolean;
  resume?: string;
  /** Whether the user chose the model structure (preset, config file or model flags). */
  explicitModel: boolean;
  /** Where training features live: `memory`, `disk` (float16 file), or `auto` (disk when they would take over a quarter of RAM). */
  featureCache: 'auto' | 'memory' | 'disk';
  /** `auto`: a traced onnxruntime step where it loads (with `--backend auto`); `traced` insists; `eager` never. */
  trainer: TrainerChoice;
  /** onnxruntime execution providers of the traced paths, in preference order. */
  executionProviders?: string[];
}

/** Raw option values (flags or config-file keys) of the train command. */
export interface TrainFlags {
  config?: string;
  data?: string;
  kind?: string;
  class?: string;
  testDir?: string;
  masks?: string;
  preset?: string;
  backend?: string;
  backbone?: string;
  seed?: string | number;
  epochs?: string | number;
  subEpochs?: string | number;
  batchSize?: string | number;
  lr?: string | number;
  translate?: string | number;
  size?: string | number;
  out?: string;
  valSplit?: string | number;
  fpr?: string | number;
  eval?: boolean;
  resume?: string;
  featureCache?: string;
  trainer?: string;
  /** Comma-separated (flag) or a list (config file). */
  executionProviders?: string | string[];
  /** Config files only: any MSFlowConfig fields to override (e.g. `{ blocks: [2, 2, 2] }`). */
  model?: ConfigOverrides;
}

/** The keys a train config file may have, and what each holds. */
const FILE_KEYS: Readonly<Record<string, KeyKind>> = {
  data: 'path',
  kind: 'name',
  class: 'name',
  testDir: 'path',
  masks: 'path',
  preset: 'name',
  backend: 'name',
  backbone: 'path',
  seed: 'number',
  epochs: 'number',
  subEpochs: 'number',
  batchSize: 'number',
  lr: 'number',
  translate: 'number',
  size: 'number',
  out: 'path',
  valSplit: 'number',
  fpr: 'number',
  eval: 'boolean',
  featureCache: 'name',
  trainer: 'name',
  executionProviders: 'names',
  model: 'model',
};

/**
 * Merges a config file (JSON or YAML, keys as the long flag names in camelCase plus `model` for
 * raw config overrides) with flags (flags win) and validates every value, naming the flag.
 *
 * @example
 * ```ts
 * const s = resolveTrainSettings({ data: 'data/mvtec', class: 'bottle', epochs: '2' });
 * s.config.train.metaEpochs; // 2
 * ```
 */
export function resolveTrainSettings(flags: TrainFlags): TrainSettings {
  const file = flags.config ? readConfigFile(flags.config) : {};
  if (flags.config) checkConfigFile(file, flags.config, FILE_KEYS);
  const f = { ...(file as TrainFlags) };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && k !== 'config') (f as Record<string, unknown>)[k] = v;
  // A value from the file is named by its key and the file, a value from a flag by the flag.
  const fromFile = (key: keyof TrainFlags) => flags[key] === undefined && key in file;
  const label = (key: keyof TrainFlags, flag: string) => (fromFile(key) ? `--config ${flags.config}: ${key}` : flag);

  const preset = f.preset ?? 'cpu';
  if (!PRESETS[preset]) throw new UsageError(`${label('preset', '--preset')}: unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const kind = choiceFlag(f.kind, label('kind', '--kind'), DATASET_KINDS) ?? 'mvtec';
  const size = sizeFlag(f.size, label('size', '--size'));
  const metaEpochs = intFlag(f.epochs, label('epochs', '--epochs'), 1);
  const subEpochs = intFlag(f.subEpochs, label('subEpochs', '--sub-epochs'), 1);
  const batchSize = intFlag(f.batchSize, label('batchSize', '--batch-size'), 1);
  const lr = numFlag(f.lr, label('lr', '--lr'));
  if (lr !== undefined && !(lr > 0)) throw new UsageError(`${label('lr', '--lr')}: expected a positive number, got '${f.lr}'`);
  // Below 0.5: a shift of half the image or more leaves edge pixels repeated over most of it.
  const translate = fractionFlag(f.translate, label('translate', '--translate'), 0, 0.49);
  const seed = intFlag(f.seed, label('seed', '--seed'), 0);
  const model = f.model ?? {};
  if (typeof model !== 'object' || Array.isArray(model)) throw new UsageError(`--config: 'model' must be an object of MSFlow config fields`);
  const overrides: ConfigOverrides = {
    ...model,
    ...(size !== undefined ? { inputSize: size } : {}),
    ...(seed !== undefined ? { seed } : {}),
    train: { ...model.train, metaEpochs, subEpochs, batchSize, lr, translate },
  };
  const backbone = !f.backbone || f.backbone === 'default' || f.backbone === 'random' ? (f.backbone ?? 'default') : resolve(f.backbone);
  let config: MSFlowConfig;
  try {
    config = resolveModelConfig(preset, overrides, backbone);
  } catch (err) {
    // A bad `model:` override comes from the config file (or the preset's own flags).
    if (err instanceof DetectorError && err.option === 'config') throw new UsageError(`${flags.config ? `--config ${flags.config}` : '--preset'}: ${err.detail}`);
    throw err;
  }
  return {
    preset,
    config,
    overrides,
    data: f.data ? resolve(f.data) : undefined,
    kind,
    className: f.class,
    testDir: f.testDir ? resolve(f.testDir) : undefined,
    masksDir: f.masks ? resolve(f.masks) : undefined,
    backend: f.backend ?? 'auto',
    backbone,
    out: resolve(f.out ?? 'runs'),
    valSplit: fractionFlag(f.valSplit, label('valSplit', '--val-split'), 0, 0.5) ?? DEFAULT_VAL_SPLIT,
    fpr: fprFlag(f.fpr, label('fpr', '--fpr')) ?? DEFAULT_FPR,
    evaluate: f.eval ?? true,
    evaluateChosen: f.eval !== undefined,
    valSplitChosen: f.valSplit !== undefined,
    resume: f.resume,
    explicitModel: flags.preset !== undefined || flags.config !== undefined || size !== undefined,
    featureCache: choiceFlag(f.featureCache, label('featureCache', '--feature-cache'), ['auto', 'memory', 'disk'] as const) ?? 'auto',
    trainer: choiceFlag(f.trainer, label('trainer', '--trainer'), ['auto', 'traced', 'eager'] as const) ?? 'auto',
    executionProviders: listFlag(f.executionProviders, label('executionProviders', '--execution-providers')),
  };
}
