#!/usr/bin/env node
// Scores one trained run's test set with several map settings and reports the metrics of each, as
// `msflow test <run> --map-scales S --map-sigma σ` would give them one by one:
//   node apps/bench/scripts/map-sweep.mjs runs/bottle/latest 0,4,8,16 > sweep.json
//   node apps/bench/scripts/map-sweep.mjs runs/bottle/latest 8 all,01,12 > scales.json
// SIGMAS: Gaussian σ in pixels; SCALES: the scale subsets the maps are made of (digits, fine to
// coarse, or `all`; default all). Training depends on neither, so one run answers for every row.
// Each subset is scored once, unsmoothed, through the run's own scorer; the blur here is
// @msflow/eval's gaussianBlur (the same weights and borders as core's gaussianFilter, which the
// scorer runs in its graph). Needs `npm run build`.
import { topKCount } from '@msflow/core';
import { Detector } from '@msflow/detector';
import { evaluateAnomalyDetection, gaussianBlur } from '@msflow/eval';

const usage = (why) => {
  process.stderr.write(`map-sweep: ${why}\nusage: map-sweep.mjs RUN [SIGMAS] [SCALES]\n`);
  process.exit(2);
};
const [run, sigmaList = '0,4,8,16', scaleList = 'all'] = process.argv.slice(2);
if (!run) usage('RUN: expected a run folder or checkpoint');
const sigmas = sigmaList.split(',').map(Number);
if (sigmas.some((s) => !(s >= 0))) usage(`SIGMAS: expected numbers >= 0 separated by commas, got '${sigmaList}'`);
const subsets = scaleList.split(',').map((s) => (s === 'all' ? 'all' : [...s].map(Number)));
if (subsets.some((s) => s !== 'all' && (s.length === 0 || s.some((l) => !Number.isInteger(l))))) usage(`SCALES: expected 'all' or scale digits (e.g. 01) separated by commas, got '${scaleList}'`);

const rows = [];
let info;
for (const scales of subsets) {
  // The run's own scoring of this subset, unsmoothed: every σ below starts from the same maps.
  const d = await Detector.load(run, { mapScales: scales, mapSigma: 0 });
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
    for (const sigma of sigmas) {
      const add = sigma > 0 ? blur(o.addMaps, sigma) : o.addMaps;
      const mul = sigma > 0 ? blur(o.mulMaps, sigma) : o.mulMaps;
      const ev = evaluateAnomalyDetection({ imageScores: sigma > 0 ? topK(mul) : o.imageScores, labels: set.labels, pixelMaps: add, proMaps: mul, masks: set.masks, shape: o.shape, msflowPro: false, pixelF1: false });
      const m = ev.metrics;
      const name = scales === 'all' ? 'all' : scales.join('');
      process.stderr.write(`scales ${name} σ ${sigma}: ${[m.imageAuroc, m.pixelAuroc, m.aupro].map((v) => (100 * v).toFixed(2)).join(' / ')}\n`);
      rows.push({ ...(scales === 'all' ? {} : { scales }), sigma, imageAuroc: m.imageAuroc, pixelAuroc: m.pixelAuroc, aupro: m.aupro });
    }
    info ??= { className: d.info.dataset?.className, inputSize: d.config.inputSize, seed: d.config.seed };
  } finally {
    await d.dispose();
  }
}
// Rows without `scales` use every scale, as the paper.
process.stdout.write(JSON.stringify({ schema: 'msflow-map-sigma-sweep/1', date: new Date().toISOString(), run, ...info, rows }, null, 2) + '\n');
