#!/usr/bin/env node
// Draws accuracy against minutes from committed `msflow bench --accuracy` reports:
//   node apps/bench/scripts/plot-accuracy.mjs apps/bench/results/accuracy/tradeoff.json
// The manifest lists { "cpus": N, "out": "file.svg", "title": "...", "sources": [{ "file", "series",
// "label", "knn"? }], "targets": [{ "className", "metric", "value", "label" }] }, paths relative
// to the manifest; minutes are CPU seconds / cpus (see tradeoffPoints). Needs `npm run build`.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tradeoffPoints, tradeoffSvg } from '../dist/index.js';

const [manifestPath] = process.argv.slice(2);
if (!manifestPath) {
  process.stderr.write('usage: plot-accuracy.mjs MANIFEST.json\n');
  process.exit(2);
}
const dir = dirname(manifestPath);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const sources = manifest.sources.map((s) => ({ ...s, report: JSON.parse(readFileSync(join(dir, s.file), 'utf8')) }));
const svg = tradeoffSvg(tradeoffPoints(sources, manifest.cpus), { title: manifest.title, targets: manifest.targets });
const out = join(dir, manifest.out);
writeFileSync(`${out}.tmp`, svg);
renameSync(`${out}.tmp`, out);
process.stderr.write(`wrote ${out}\n`);
