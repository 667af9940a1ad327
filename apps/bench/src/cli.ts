import { join } from 'node:path';
import { writeFileAtomic } from '@msflow/cli';
import { runBench, type BenchOptions } from './run.js';
import { toMarkdown, toModelSvg, toScalingSvg, toSvg } from './report.js';
import { runTrainStepBench, trainStepMarkdown, trainStepPlan, type TrainStepOverrides, type TrainStepReport } from './train_step_bench.js';
import { parseAccuracyArgs, type AccuracyArgs } from './accuracy/args.js';
import { runAccuracyCommand } from './accuracy/command.js';

const VALUED = ['--backends', '--out', '--preset', '--presets', '--sizes', '--batches', '--eager'];
const EAGER = ['onnx', 'tfjs'] as const;
const SWITCHES = ['--quick', '--ops-only', '--train-step'];

/** What the benchmark command line asks for. */
export interface BenchArgs {
  options: Omit<BenchOptions, 'log'>;
  out: string;
  /** `--train-step`: only the whole-train-step benchmark (traced onnx against the eager trainers). */
  trainStep: boolean;
  /**
   * With `--train-step`: `--presets a,b` (or `--preset a`), `--sizes`, `--batches` restrict the
   * traced grid and `--eager onnx,tfjs|none` the eager trainers; absent flags keep the full plan.
   */
  trainStepOverrides?: TrainStepOverrides;
  /** `--accuracy`: the accuracy benchmark (MSFlow and the kNN baseline per class) instead. */
  accuracy?: AccuracyArgs;
}

/**
 * Parses the benchmark's flags; throws a RangeError naming the flag for anything else.
 *
 * @example
 * ```ts
 * parseBenchArgs(['--quick', '--backends', 'tfjs,onnx']).options.backends; // ['tfjs', 'onnx']
 * ```
 */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  // The accuracy benchmark has flags of its own (those of msflow train, and the kNN baseline's).
  if (args.includes('--accuracy')) return { out: '', trainStep: false, options: { quick: false }, accuracy: parseAccuracyArgs(args) };
  const flag = (name: string) => {
    const i = args.indexOf(name);
    if (i >= 0 && (i + 1 >= args.length || args[i + 1].startsWith('--'))) throw new RangeError(`${name} needs a value`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const unknown = args.filter((a, i) => !VALUED.includes(args[i - 1]) && !SWITCHES.includes(a) && !VALUED.includes(a));
  if (unknown.length) throw new RangeError(`unknown argument ${unknown[0]} (expected --quick, --ops-only, --train-step, --accuracy (see --accuracy's own flags), --backends a,b, --preset NAME, --sizes 256,512, --batches 1,4, --out DIR; with --train-step also --presets a,b and --eager onnx,tfjs|none)`);
  const trainStep = args.includes('--train-step');
  for (const name of ['--presets', '--eager']) if (!trainStep && args.includes(name)) throw new RangeError(`${name} only applies to --train-step`);
  const numbers = (name: string) => {
    const v = flag(name);
    if (v === undefined) return undefined;
    const xs = v.split(',').map(Number);
    if (xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new RangeError(`${name} expects positive integers separated by commas, got '${v}'`);
    return xs;
  };
  const sizes = numbers('--sizes');
  const batches = numbers('--batches');
  let trainStepOverrides: TrainStepOverrides | undefined;
  if (trainStep) {
    const eagerFlag = flag('--eager');
    const eager = eagerFlag === undefined ? undefined : eagerFlag === 'none' ? [] : eagerFlag.split(',');
    const bad = eager?.find((e) => !(EAGER as readonly string[]).includes(e));
    if (bad !== undefined) throw new RangeError(`--eager expects onnx, tfjs (comma-separated) or none, got '${eagerFlag}'`);
    const presets = flag('--presets')?.split(',') ?? (flag('--preset') === undefined ? undefined : [flag('--preset')!]);
    trainStepOverrides = { presets, sizes, batches, eager: eager as TrainStepOverrides['eager'] };
  }
  return {
    out: flag('--out') ?? 'bench-results',
    trainStep,
    trainStepOverrides,
    options: {
      quick: args.includes('--quick'),
      opsOnly: args.includes('--ops-only'),
      backends: flag('--backends')?.split(','),
      model: { preset: flag('--preset'), sizes, batches },
    },
  };
}

/**
 * Runs the benchmark and writes `bench.json`, `bench.md` and the SVG charts to `out` (atomically);
 * prints the Markdown table on stdout and progress on stderr.
 *
 * @example
 * ```ts
 * await runBenchCommand(parseBenchArgs(['--quick']));
 * ```
 */
export async function runBenchCommand({ options, out, trainStep, trainStepOverrides, accuracy }: BenchArgs): Promise<void> {
  if (accuracy) {
    await runAccuracyCommand(accuracy);
    return;
  }
  if (trainStep) {
    // Rewritten after every row, so a run that is stopped keeps the rows it finished.
    const save = (r: TrainStepReport) => {
      writeFileAtomic(join(out, 'train_step.json'), JSON.stringify(r, null, 2) + '\n');
      writeFileAtomic(join(out, 'train_step.md'), trainStepMarkdown(r));
    };
    const report = await runTrainStepBench(trainStepPlan(options.quick, trainStepOverrides), (l) => process.stderr.write(l + '\n'), save);
    save(report);
    process.stdout.write(trainStepMarkdown(report));
    process.stderr.write(`wrote ${join(out, 'train_step.json')} and train_step.md\n`);
    return;
  }
  const report = await runBench({ ...options, log: (l) => process.stderr.write(l + '\n') });
  writeFileAtomic(join(out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileAtomic(join(out, 'bench.md'), toMarkdown(report));
  writeFileAtomic(join(out, 'ops.svg'), toSvg(report));
  writeFileAtomic(join(out, 'model.svg'), toModelSvg(report));
  writeFileAtomic(join(out, 'scaling.svg'), toScalingSvg(report));
  process.stdout.write(toMarkdown(report));
  process.stderr.write(`wrote ${join(out, 'bench.json')}, bench.md, ops.svg, model.svg and scaling.svg\n`);
}
