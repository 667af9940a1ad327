#!/usr/bin/env node
// Copies a benchmark run's Markdown table into the READMEs, between the bench markers:
//   node apps/bench/scripts/update-readme.mjs apps/bench/results/bench.md README.md apps/bench/README.md
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const [table, ...readmes] = process.argv.slice(2);
if (!table || readmes.length === 0) {
  process.stderr.write('usage: update-readme.mjs BENCH_MD README [README...]\n');
  process.exit(2);
}
const body = readFileSync(table, 'utf8').trim();
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
for (const path of readmes) {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) {
    process.stderr.write(`${path}: no '${START}' ... '${END}' block to replace\n`);
    process.exit(1);
  }
  const next = `${text.slice(0, a + START.length)}\n${body}\n${text.slice(b)}`;
  writeFileSync(`${path}.tmp`, next);
  renameSync(`${path}.tmp`, path);
  process.stderr.write(`updated ${path}\n`);
}
