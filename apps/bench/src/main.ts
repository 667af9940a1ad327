#!/usr/bin/env node
import { join } from 'node:path';
import { writeFileAtomic } from '@msflow/cli';
import { runBench } from './run.js';
import { toMarkdown, toSvg } from './report.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const unknown = args.filter((a, i) => a.startsWith('--') && !['--quick', '--backends', '--out'].includes(a) && args[i - 1] !== '--backends' && args[i - 1] !== '--out');
if (unknown.length) {
  process.stderr.write(`msflow-bench: unknown flag ${unknown[0]} (expected --quick, --backends a,b, --out DIR)\n`);
  process.exit(2);
}
const out = flag('--out') ?? 'bench-results';
const report = await runBench({
  quick: args.includes('--quick'),
  backends: flag('--backends')?.split(','),
  log: (l) => process.stderr.write(l + '\n'),
});
writeFileAtomic(join(out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
writeFileAtomic(join(out, 'bench.md'), toMarkdown(report));
writeFileAtomic(join(out, 'throughput.svg'), toSvg(report));
process.stdout.write(toMarkdown(report));
process.stderr.write(`wrote ${join(out, 'bench.json')}, bench.md and throughput.svg\n`);
