#!/usr/bin/env node
// Draws accuracy against minutes from committed `msflow bench --accuracy` reports:
//   node apps/bench/scripts/plot-accuracy.mjs apps/bench/results/accuracy/tradeoff.json
// The manifest lists { "cpus": N, "out": "file.svg", "title": "...", "sources": [{ "file", "series",
// "label", "knn"? }], "targets": [{ "className", "metric", "value", "label" }] }, paths relative
// to the manifest; minutes are CPU seconds / cpus (see tradeoffPoints). Needs `npm run build`.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mergeSeeds, spreadTable, tradeoffPoints, tradeoffSvg } from '../dist/index.js';

const [manifestPath] = process.argv.slice(2);
if (!manifestPath) {
  process.stderr.write('usage: plot-accuracy.mjs MANIFEST.json\n');
  process.exit(2);
}
const dir = dirname(manifestPath);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const sources = manifest.sources.map((s) => ({ ...s, report: JSON.parse(readFileSync(join(dir, s.file), 'utf8')) }));
const points = mergeSeeds(tradeoffPoints(sources, manifest.cpus));
/** Written beside, then renamed: a reader never sees half a file. */
function write(file, text) {
  const out = join(dir, file);
  writeFileSync(`${out}.tmp`, text);
  renameSync(`${out}.tmp`, out);
  process.stderr.write(`wrote ${out}\n`);
}
write(manifest.out, tradeoffSvg(points, { title: manifest.title, targets: manifest.targets }));
if (manifest.table) write(manifest.table, spreadTable(points));
