#!/usr/bin/env node
// Scores one trained run's test set once and reports the metrics of its maps smoothed with each
// Gaussian σ (pixels), as `msflow test <run> --map-sigma σ` would give them one by one:
//   node apps/bench/scripts/map-sigma-sweep.mjs runs/bottle/latest 0,4,8,16 > sweep.json
// Training does not depend on the smoothing, so one run answers for every σ. The blur here is
// @msflow/eval's gaussianBlur on the unsmoothed maps (the same weights and borders as core's
// gaussianFilter, which the scorer runs in its graph). Needs `npm run build`.
import { topKCount } from '@msflow/core';
import { Detector } from '@msflow/detector';
import { evaluateAnomalyDetection, gaussianBlur } from '@msflow/eval';

const [run, list = '0,4,8,16'] = process.argv.slice(2);
if (!run) {
  process.stderr.write('usage: map-sigma-sweep.mjs RUN [SIGMAS]\n');
  process.exit(2);
}
const sigmas = list.split(',').map(Number);
if (sigmas.some((s) => !(s >= 0))) {
  process.stderr.write(`map-sigma-sweep: SIGMAS: expected numbers >= 0 separated by commas, got '${list}'\n`);
  process.exit(2);
}
// The run's own scoring, unsmoothed: every σ below starts from the same maps.
const d = await Detector.load(run, { mapSigma: 0 });
try {
  const { output: o, set } = await d.evaluate(d.info.dataset);
  const { height: h, width: w } = o.shape;
  const px = h * w;
  const k = topKCount(h, w, d.config.topK);
  const blur = (maps, s) => {
    const out = new Float32Array(maps.length);
    for (let i = 0; i < o.count; i++) out.set(gaussianBlur(maps.subarray(i * px, (i + 1) * px), h, w, s), i * px);
    return out;
  };
  // The paper's image score: the mean of the top k values of the multiplicative map.
  const topK = (maps) =>
    Float32Array.from({ length: o.count }, (_, i) => {
      const a = maps.slice(i * px, (i + 1) * px).sort();
      let s = 0;
      for (let j = px - k; j < px; j++) s += a[j];
      return s / k;
    });
  const rows = sigmas.map((sigma) => {
    const add = sigma > 0 ? blur(o.addMaps, sigma) : o.addMaps;
    const mul = sigma > 0 ? blur(o.mulMaps, sigma) : o.mulMaps;
    const ev = evaluateAnomalyDetection({ imageScores: sigma > 0 ? topK(mul) : o.imageScores, labels: set.labels, pixelMaps: add, proMaps: mul, masks: set.masks, shape: o.shape, msflowPro: false, pixelF1: false });
    const m = ev.metrics;
    process.stderr.write(`σ ${sigma}: ${[m.imageAuroc, m.pixelAuroc, m.aupro].map((v) => (100 * v).toFixed(2)).join(' / ')}\n`);
    return { sigma, imageAuroc: m.imageAuroc, pixelAuroc: m.pixelAuroc, aupro: m.aupro };
  });
  const info = { className: d.info.dataset?.className, inputSize: d.config.inputSize, seed: d.config.seed };
  process.stdout.write(JSON.stringify({ schema: 'msflow-map-sigma-sweep/1', date: new Date().toISOString(), run, ...info, rows }, null, 2) + '\n');
} finally {
  await d.dispose();
}
