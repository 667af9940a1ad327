#!/usr/bin/env node
// Merges benchmark runs made on the same machine: each later run replaces the earlier runs'
// entries, parity rows and skips of the backends it ran (or skipped). Then writes bench.json,
// bench.md and the SVG charts to OUT. Build first (npm run build).
//   node apps/bench/scripts/merge-results.mjs OUT base/bench.json rerun/bench.json
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toMarkdown, toModelSvg, toScalingSvg, toSvg } from '../dist/report.js';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length < 2) {
  process.stderr.write('usage: merge-results.mjs OUT_DIR BASE.json OVERRIDE.json [...]\n');
  process.exit(2);
}
const runs = inputs.map((p) => JSON.parse(readFileSync(p, 'utf8')));
const merged = JSON.parse(JSON.stringify(runs[0]));
merged.sources = [{ date: runs[0].date, backends: Object.keys(runs[0].backends) }];
for (const r of runs.slice(1)) {
  if (r.machine.cpuModel !== merged.machine.cpuModel || r.machine.cores !== merged.machine.cores) {
    process.stderr.write(`merge-results: runs come from different machines (${r.machine.cpuModel} vs ${merged.machine.cpuModel})\n`);
    process.exit(1);
  }
  const mine = new Set([...Object.keys(r.backends), ...r.skipped.map((s) => s.backend)]);
  merged.entries = [...r.entries, ...merged.entries.filter((e) => !mine.has(e.backend))];
  merged.parity = [...r.parity, ...merged.parity.filter((p) => !mine.has(p.backend) && !mine.has(p.reference))];
  merged.skipped = [...merged.skipped.filter((s) => !mine.has(s.backend)), ...r.skipped];
  merged.backends = { ...r.backends, ...Object.fromEntries(Object.entries(merged.backends).filter(([k]) => !mine.has(k))) };
  merged.sources.push({ date: r.date, backends: Object.keys(r.backends) });
  merged.date = r.date;
}
// Keep each backend's rows together, in the order the backends appear.
const order = Object.keys(merged.backends);
merged.entries.sort((a, b) => order.indexOf(a.backend) - order.indexOf(b.backend) || (a.kind === b.kind ? 0 : a.kind === 'op' ? -1 : 1));
mkdirSync(out, { recursive: true });
const write = (name, text) => {
  writeFileSync(join(out, `${name}.tmp`), text);
  renameSync(join(out, `${name}.tmp`), join(out, name));
};
write('bench.json', JSON.stringify(merged, null, 2) + '\n');
write('bench.md', toMarkdown(merged));
write('ops.svg', toSvg(merged));
write('model.svg', toModelSvg(merged));
write('scaling.svg', toScalingSvg(merged));
process.stderr.write(`wrote ${out}/bench.json, bench.md and the SVG charts\n`);
