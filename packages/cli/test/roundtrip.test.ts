import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocessImage, readImageSync } from '@msflow/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastLine, msflow, msflowInterrupted, tmp } from './helpers.js';

/** One image as the exported model's input: 8-bit RGB at the model's size (as predict resizes it). */
const rgbAt = (file: string, size: number): Uint8Array => preprocessImage(readImageSync(file), size).rgb;

/** Triton's data types for the ONNX element types onnxruntime reports. */
const TRITON_TYPE: Record<string, string> = { uint8: 'TYPE_UINT8', float32: 'TYPE_FP32' };

/** `name` and `data_type` of each entry of a config.pbtxt section (`input` or `output`). */
function tritonTensors(config: string, section: 'input' | 'output'): { name: string; type: string }[] {
  const body = new RegExp(`^${section} \\[([\\s\\S]*?)^\\]`, 'm').exec(config)?.[1] ?? '';
  return [...body.matchAll(/name: "([^"]+)"\s+data_type: (\w+)/g)].map((m) => ({ name: m[1], type: m[2] }));
}

describe('synth → train (Ctrl-C, --resume) → info → test → predict → export', () => {
  const dir = tmp();
  const ckpt = 'runs/synth_woven/latest';

  beforeAll(async () => {
    const r = await msflow(['synth', 'data', '--size', '64', '--train', '8', '--test-good', '4', '--test-anomalous', '4', '--seed', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
  });

  it('Ctrl-C during training saves a resumable checkpoint; --resume finishes the run', async () => {
    const train = ['train', '--data', 'data', '--class', 'synth_woven', '--size', '64', '--epochs', '2', '--sub-epochs', '1', '--batch-size', '3', '--val-split', '0.25', '--seed', '3'];
    // The first run keeps its training features in a float16 disk cache, removed at exit.
    const stopped = await msflowInterrupted([...train, '--feature-cache', 'disk'], dir, /training keras_resnet50 flows/);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/training features in a float16 file .*\.feature-cache/);
    expect(readdirSync(join(dir, 'runs', '.feature-cache'))).toEqual([]);
    expect(lastLine(stopped.stderr)).toMatch(/^msflow: interrupted: resumable checkpoint saved to runs\/synth_woven\/.+\/model\.safetensors; continue with: msflow train --resume /);
    const sidecar = JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8'));
    expect(sidecar.training.step).toBeGreaterThanOrEqual(1);
    expect(sidecar.training.step).toBeLessThan(4); // 6 images (2 held out), batch 3: 2 steps x 2 passes
    expect(readdirSync(join(dir, ckpt)).filter((f) => f.includes('.tmp'))).toEqual([]);

    const resumed = await msflow(['train', '--resume', ckpt, '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const [run] = JSON.parse(resumed.stdout).runs;
    expect(run.status).toBe('completed');
    expect(resumed.stderr).toMatch(/resuming at step [123]/);
    expect(run.images).toEqual({ train: 6, validation: 2, test: 8 });
    expect(run.thresholds.normal).toMatchObject({ score: 'nll', targetFpr: 0.01, source: 'validation', images: 2 });
    // The held-out images' NLL is logged and tracked (lower is better) next to the test metrics.
    expect(resumed.stderr).toMatch(/synth_woven: epoch 2 validation loss\/dim -?\d+\.\d{4} {2}test {2}image AUROC/);
    expect(Number.isFinite(run.metrics.last.metrics.valLossPerDim)).toBe(true);
    expect(run.metrics.best.valLossPerDim.value).toBe(Math.min(...run.metrics.history.map((h: { metrics: { valLossPerDim: number } }) => h.metrics.valLossPerDim)));
    expect(readdirSync(join(dir, 'runs', 'synth_woven')).filter((d) => d !== 'latest')).toHaveLength(1); // same run folder
  });

  it('a checkpoint from another config is refused with one line', async () => {
    const r = await msflow(['train', '--resume', ckpt, '--preset', 'cpu-resnet18', '--backbone', 'random', '--backend', 'tfjs'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/model\.safetensors: checkpoint does not match the configuration: backbone "keras_resnet50" \(expected "resnet18"\); channels/);
  });

  it('info summarises the finished checkpoint', async () => {
    const r = await msflow(['info', ckpt, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.training).toMatchObject({ passes: 2, of: 2, steps: 4, finished: true });
    expect(info.parameters.total).toBe(31_091_712);
    expect(info.dataset.className).toBe('synth_woven');
  });

  it('test writes metrics, report and heatmaps and stores the F1-max threshold', async () => {
    const r = await msflow(['test', ckpt, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    for (const k of ['imageAuroc', 'pixelAuroc', 'aupro']) expect(t.metrics[k]).toBeGreaterThanOrEqual(0);
    expect(t.images).toEqual({ total: 8, anomalous: 4 });
    expect(existsSync(t.files.report)).toBe(true);
    const saved = JSON.parse(readFileSync(t.files.metrics, 'utf8'));
    expect(saved.schema).toBe('msflow-run-result/1');
    // Where the work ran: the plan, traced on onnxruntime here (it loads), stored with the metrics.
    expect(saved.plan.features).toMatchObject({ traced: true, runs: expect.stringMatching(/^onnxruntime/) });
    expect(saved.plan.scoring.traced).toBe(true);
    expect(r.stderr).toMatch(/synth_woven: plan: backbone traced on onnxruntime/);
    // Every defect folder of the test split is a row, against the four normal images.
    const defects = readdirSync(join(dir, 'data/synth_woven/test')).filter((d) => d !== 'good').sort();
    expect(t.byType.map((x: { type: string }) => x.type).sort()).toEqual(defects);
    expect(t.byType.reduce((n: number, x: { images: number }) => n + x.images, 0)).toBe(4);
    expect(t.byType.reduce((n: number, x: { pixelShare: number }) => n + x.pixelShare, 0)).toBeCloseTo(1, 9);
    for (const x of t.byType) for (const k of ['imageAuroc', 'pixelAuroc']) expect(x[k]).toBeGreaterThanOrEqual(0);
    expect(saved.byType).toEqual(t.byType);
    expect(readdirSync(t.files.heatmaps)).toHaveLength(8);
    const sidecar = JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8'));
    expect(sidecar.cli.thresholds.f1).toEqual(t.thresholds.f1);
    expect(t.thresholds.f1.score).toBe('nll');
    // The stored normal-image threshold on the test set: its FPR on the 4 test normals, beside the target.
    expect(t.decision).toMatchObject({ threshold: sidecar.cli.thresholds.normal.value, targetFpr: 0.01, normals: 4, anomalous: 4 });
    expect(saved.decision).toEqual(t.decision);
    expect(saved.nllScores).toHaveLength(8);
  });

  it('test --map-scales scores with other scales, keeps the stored threshold, and refuses bad lists in one line', async () => {
    const before = JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8')).cli.thresholds.f1;
    const r = await msflow(['test', ckpt, '--map-scales', '0,1', '--out', 'test-fine', '--no-heatmaps', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    // The F1-max threshold is an image score: other maps give another one, which is not stored.
    expect(t.thresholds.f1.value).not.toBe(before.value);
    expect(JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8')).cli.thresholds.f1).toEqual(before);
    expect(JSON.parse(readFileSync(join(dir, 'test-fine', 'metrics.json'), 'utf8')).config.mapScales).toEqual([0, 1]);
    for (const [arg, msg] of [
      ['0,3', /^msflow: --map-scales: .*model\.json has 3 scales \(0-2\), got 3$/],
      ['1,1', /^msflow: --map-scales: expected distinct scale indices such as 0,1 \(0 = finest\), or all, got '1,1'$/],
      ['fine', /--map-scales: expected distinct scale indices/],
    ] as const) {
      const bad = await msflow(['test', ckpt, '--map-scales', arg], dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr.trim()).toMatch(msg);
    }
  });

  it('test --map-sigma scores smoothed maps, keeps the stored threshold, and refuses bad values in one line', async () => {
    const before = JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8')).cli.thresholds.f1;
    const r = await msflow(['test', ckpt, '--map-sigma', '3', '--out', 'test-smooth', '--no-heatmaps', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8')).cli.thresholds.f1).toEqual(before);
    expect(JSON.parse(readFileSync(join(dir, 'test-smooth', 'metrics.json'), 'utf8')).config.mapSigma).toBe(3);
    for (const [args, msg] of [
      [['--map-sigma', '-1'], /^msflow: --map-sigma: expected a Gaussian σ in pixels in \[0, 64\], got -1$/],
      [['--map-sigma', 'wide'], /^msflow: --map-sigma: expected a number, got 'wide'$/],
      [['--map-sigma', '2', '--fpr', '0.01'], /^msflow: --fpr: not with --map-sigma/],
    ] as const) {
      const bad = await msflow(['test', ckpt, ...args], dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr.trim()).toMatch(msg);
    }
  });

  it('predict labels with the stored threshold; export bakes it into an ONNX model that gives the same scores', async () => {
    const images = ['data/synth_woven/test/good', 'data/synth_woven/test/crack/000.png'];
    const p = await msflow(['predict', ckpt, ...images, '--maps', 'maps', '--masks', 'masks', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    const pred = JSON.parse(p.stdout);
    expect(pred.predictions).toHaveLength(5);
    expect(pred.threshold.from).toMatch(/^FPR 0\.01 on 2 held-out normal images/);
    for (const q of pred.predictions) {
      expect(q.label).toBe(q.score >= pred.threshold.value ? 1 : 0);
      expect(q.normalized >= 0.5).toBe(q.label === 1);
      expect(existsSync(q.map)).toBe(true);
      // The defect mask: binary, at the model's size.
      const mask = readImageSync(q.mask);
      expect([mask.width, mask.height]).toEqual([64, 64]);
      expect([...mask.data].every((v) => v === 0 || v === 255)).toBe(true);
    }
    const table = await msflow(['predict', ckpt, images[1], '--threshold', '0'], dir);
    expect(table.stdout).toMatch(/000\.png\s+\S+\s+\S+\s+anomalous/);
    expect(table.stdout).toMatch(/threshold 0\.00000, chosen by --threshold/);

    const e = await msflow(['export', ckpt, 'model.onnx', '--triton', 'repo', '--name', 'synth', '--json'], dir);
    expect(e.code, e.stderr).toBe(0);
    const exp = JSON.parse(e.stdout);
    expect(exp.threshold.value).toBe(pred.threshold.value);
    // The Triton folder holds the same model and declares exactly the names and types the file has.
    expect(readFileSync(join(dir, 'repo/synth/1/model.onnx')).equals(readFileSync(join(dir, 'model.onnx')))).toBe(true);
    const config = readFileSync(join(dir, 'repo/synth/config.pbtxt'), 'utf8');
    expect(config).toMatch(/^name: "synth"$/m);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const declared = (meta: readonly ({ name: string; isTensor: false } | { name: string; isTensor: true; type: string })[]) => meta.map((m) => ({ name: m.name, type: m.isTensor ? TRITON_TYPE[m.type] : 'not a tensor' }));
    expect(declared(session.inputMetadata)).toEqual(tritonTensors(config, 'input'));
    expect(declared(session.outputMetadata)).toEqual(tritonTensors(config, 'output'));
    expect(tritonTensors(config, 'input')).toEqual([{ name: 'image', type: 'TYPE_UINT8' }]);
    expect(tritonTensors(config, 'output')).toEqual([
      { name: 'score', type: 'TYPE_FP32' },
      { name: 'normalized_score', type: 'TYPE_FP32' },
      { name: 'label', type: 'TYPE_UINT8' },
      { name: 'map', type: 'TYPE_FP32' },
    ]);
    expect(exp.inputs).toEqual([{ name: 'image', type: 'uint8', shape: ['N', 64, 64, 3] }]);
    // Fed the resized 8-bit images, the file gives predict's scores and labels.
    const files = pred.predictions.map((q: { file: string }) => q.file);
    const x = new Uint8Array(files.length * 64 * 64 * 3);
    files.forEach((f: string, i: number) => x.set(rgbAt(f, 64), i * 64 * 64 * 3));
    const out = await session.run({ image: new ort.Tensor('uint8', x, [files.length, 64, 64, 3]) });
    expect(out.map.dims).toEqual([files.length, 64, 64]);
    expect(out.label.type).toBe('uint8');
    const scores = out.score.data as Float32Array;
    const labels = out.label.data as Uint8Array;
    const norm = out.normalized_score.data as Float32Array;
    pred.predictions.forEach((q: { score: number; normalized: number; label: number }, i: number) => {
      expect(Math.abs(scores[i] - q.score)).toBeLessThan(1e-4 * Math.max(1, Math.abs(q.score)));
      expect(norm[i]).toBeCloseTo(q.normalized, 4);
      // Backends differ in the last float bits: compare labels away from the threshold.
      if (Math.abs(q.score - pred.threshold.value) > 1e-3) expect(labels[i]).toBe(q.label);
    });
    await session.release();
  });

  it('test --fpr chooses the threshold again on the held-out normal images and prints its FPR on the test normals beside the target', async () => {
    const r = await msflow(['test', ckpt, '--fpr', '0.5', '--no-heatmaps'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/image threshold \S+ \(FPR 0\.5 on 2 held-out normal images \(50\.0% flagged there\)\): FPR on the 4 test normals \d+\.\d% \(target 50\.0%\), recall on the 4 anomalous \d+\.\d%/);
    const sidecar = JSON.parse(readFileSync(join(dir, ckpt, 'model.json'), 'utf8'));
    expect(sidecar.cli.thresholds.normal).toMatchObject({ targetFpr: 0.5, fpr: 0.5, images: 2, source: 'validation' });
    expect(sidecar.cli.split).toMatchObject({ valSplit: 0.25, fpr: 0.5 });
    const bad = await msflow(['test', ckpt, '--fpr', '0.7'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^msflow: --fpr: expected a number in \[0, 0\.5\], got '0\.7'$/);
  });
});

describe('a dataset whose anomalies have no labels: train on normal images only, predict an unlabelled folder', () => {
  const dir = tmp();

  it('chooses the thresholds on held-out normal images and labels every image with them', async () => {
    const s = await msflow(['synth', 'data', '--size', '64', '--train', '10', '--test-good', '2', '--test-anomalous', '3', '--seed', '2'], dir);
    expect(s.code, s.stderr).toBe(0);
    // Only a folder of normal images: no test split, no label anywhere.
    const train = ['train', '--kind', 'folder', '--data', 'data/synth_woven/train/good', '--preset', 'cpu-resnet18', '--backbone', 'random', '--size', '64'];
    const t = await msflow([...train, '--epochs', '1', '--sub-epochs', '1', '--batch-size', '4', '--fpr', '0.05', '--seed', '2', '--json'], dir);
    expect(t.code, t.stderr).toBe(0);
    const [run] = JSON.parse(t.stdout).runs;
    expect(run.images).toEqual({ train: 8, validation: 2, test: 0 });
    expect(run.thresholds.f1).toBeUndefined();
    expect(run.thresholds.normal).toMatchObject({ score: 'nll', targetFpr: 0.05, source: 'validation', images: 2 });
    // An unlabelled folder of normal and anomalous images, mixed.
    const mixed = join(dir, 'incoming');
    mkdirSync(mixed);
    for (const sub of readdirSync(join(dir, 'data/synth_woven/test'))) {
      for (const f of readdirSync(join(dir, 'data/synth_woven/test', sub))) copyFileSync(join(dir, 'data/synth_woven/test', sub, f), join(mixed, `${sub}_${f}`));
    }
    const p = await msflow(['predict', run.checkpoint.weights, 'incoming'], dir);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^image\s+score\s+normalized\s+label/);
    expect(p.stdout.split('\n').filter((l) => / (normal|anomalous)$/.test(l))).toHaveLength(5);
    expect(p.stdout).toMatch(/threshold \S+, chosen by FPR 0\.05 on 2 held-out normal images/);
  });
});
