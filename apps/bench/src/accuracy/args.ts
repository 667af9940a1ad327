/**
 * Flags of `msflow bench --accuracy`: which classes, the MSFlow settings (the same flags and
 * config file as `msflow train`, validated by the same code), which methods and the kNN
 * baseline's options.
 */
import { resolveTrainSettings, type TrainFlags, type TrainSettings } from '@msflow/cli';
import type { CoresetOptions } from '@msflow/eval';

/** Methods the accuracy benchmark can run. */
export const METHODS = ['msflow', 'knn'] as const;
export type Method = (typeof METHODS)[number];

/** The kNN baseline's settings. */
export interface KnnSettings {
  taps: number[];
  window: number;
  coreset: CoresetOptions['method'];
  /** Bank rows kept by a coreset: a count, or a fraction (0, 1] of the patches. */
  bank: number;
  seed: number;
  sigma: number;
  imageScore: 'map' | 'patches';
}

/** What `msflow bench --accuracy` asks for. */
export interface AccuracyArgs {
  /** Class names, or ['all'] for every class folder under the root. */
  classes: string[];
  methods: Method[];
  /** Training settings as `msflow train` resolves them (its runs go under `<out>/runs`). */
  train: TrainSettings;
  knn: KnnSettings;
  /** Folder of accuracy.json and accuracy.md. */
  out: string;
}

/** Bench flag → `msflow train` flag name in {@link TrainFlags}. */
const TRAIN_FLAGS: Record<string, keyof TrainFlags> = {
  '--data': 'data',
  '--kind': 'kind',
  '--test-dir': 'testDir',
  '--masks': 'masks',
  '--preset': 'preset',
  '--config': 'config',
  '--backend': 'backend',
  '--backbone': 'backbone',
  '--seed': 'seed',
  '--epochs': 'epochs',
  '--sub-epochs': 'subEpochs',
  '--batch-size': 'batchSize',
  '--lr': 'lr',
  '--translate': 'translate',
  '--size': 'size',
  '--val-split': 'valSplit',
  '--feature-cache': 'featureCache',
  '--trainer': 'trainer',
  '--execution-providers': 'executionProviders',
};
const OWN = ['--class', '--methods', '--out', '--knn-taps', '--knn-window', '--knn-coreset', '--knn-bank', '--knn-seed', '--knn-sigma', '--knn-score'];
const VALUED = [...Object.keys(TRAIN_FLAGS), ...OWN];
const SWITCHES = ['--accuracy'];

/** The usage line errors point to. */
export const ACCURACY_USAGE =
  'msflow bench --accuracy --data <root> --class a,b [--kind mvtec|visa|folder] [--preset P] [--size N] [--epochs N] [--sub-epochs N] [--translate F] [--config FILE] [--methods msflow,knn] [--knn-taps 1,2] [--knn-window 3] [--knn-coreset none|random|greedy] [--knn-bank N|0.1] [--knn-sigma 4] [--knn-score map|patches] [--out DIR]';

function ints(value: string, flag: string, min: number): number[] {
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < min)) throw new RangeError(`${flag}: expected integers >= ${min} separated by commas, got '${value}'`);
  return xs;
}

function choice<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new RangeError(`${flag}: expected one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * Parses the accuracy benchmark's flags (with or without `--accuracy` itself). Throws a
 * RangeError naming the flag for an unknown flag, a missing value or a bad one; the training
 * flags fail with `msflow train`'s messages.
 *
 * @example
 * ```ts
 * const a = parseAccuracyArgs(['--accuracy', '--data', '../shared/data', '--class', 'tire,magnetic_tile', '--size', '256']);
 * a.classes; // ['tire', 'magnetic_tile']
 * a.train.config.inputSize; // [256, 256]
 * ```
 */
export function parseAccuracyArgs(args: readonly string[]): AccuracyArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (SWITCHES.includes(a)) continue;
    if (!VALUED.includes(a)) throw new RangeError(`unknown argument ${a} (usage: ${ACCURACY_USAGE})`);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new RangeError(`${a} needs a value`);
    if (values.has(a)) throw new RangeError(`${a} given twice`);
    values.set(a, v);
    i++;
  }
  if (!values.has('--data')) throw new RangeError('--data: required (a dataset root, e.g. --data ../shared/data)');
  const classValue = values.get('--class');
  const kind = values.get('--kind') ?? 'mvtec';
  if (!classValue && kind !== 'folder') throw new RangeError('--class: required (class names separated by commas, or all)');
  const classes = classValue ? classValue.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (classValue && classes.length === 0) throw new RangeError(`--class: expected class names separated by commas, got '${classValue}'`);
  const methodsValue = values.get('--methods') ?? METHODS.join(',');
  const methods = [...new Set(methodsValue.split(',').map((s) => s.trim()))] as Method[];
  for (const m of methods) if (!METHODS.includes(m)) throw new RangeError(`--methods: expected a list of ${METHODS.join(', ')}, got '${methodsValue}'`);

  const out = values.get('--out') ?? 'bench-results';
  // Every training image trains, as in the paper's protocol (msflow train holds 20 % out for its threshold).
  const flags: TrainFlags = { out: `${out}/runs`, valSplit: 0 };
  for (const [flag, key] of Object.entries(TRAIN_FLAGS)) {
    const v = values.get(flag);
    if (v !== undefined) (flags as Record<string, unknown>)[key] = v;
  }
  let train: TrainSettings;
  try {
    train = resolveTrainSettings(flags);
  } catch (err) {
    throw new RangeError((err as Error).message);
  }

  const bankValue = values.get('--knn-bank');
  const bank = bankValue === undefined ? 0.1 : Number(bankValue);
  if (!(bank > 0) || (bank > 1 && !Number.isInteger(bank))) throw new RangeError(`--knn-bank: expected a row count (integer >= 1) or a fraction in (0, 1], got '${bankValue}'`);
  const sigma = Number(values.get('--knn-sigma') ?? 4);
  if (!Number.isFinite(sigma) || sigma < 0) throw new RangeError(`--knn-sigma: expected a number >= 0, got '${values.get('--knn-sigma')}'`);
  const windowValue = values.get('--knn-window');
  const window = windowValue === undefined ? 3 : ints(windowValue, '--knn-window', 1)[0];
  if (window % 2 === 0) throw new RangeError(`--knn-window: expected an odd window side, got '${windowValue}'`);
  const taps = ints(values.get('--knn-taps') ?? '1,2', '--knn-taps', 0);
  const channels = train.config.channels.length;
  for (const t of taps) if (t >= channels) throw new RangeError(`--knn-taps: tap ${t} does not exist (the backbone gives taps 0..${channels - 1})`);
  const knn: KnnSettings = {
    taps,
    window,
    coreset: choice(values.get('--knn-coreset'), '--knn-coreset', ['none', 'random', 'greedy'] as const, 'random'),
    bank,
    seed: ints(values.get('--knn-seed') ?? String(train.config.seed), '--knn-seed', 0)[0],
    sigma,
    imageScore: choice(values.get('--knn-score'), '--knn-score', ['map', 'patches'] as const, 'map'),
  };
  return { classes, methods, train, knn, out };
}
