/** `msflow bench --accuracy`: runs the accuracy benchmark and writes its JSON and Markdown reports. */
import { join } from 'node:path';
import { CliError, writeFileAtomic } from '@msflow/cli';
import type { AccuracyArgs } from './args.js';
import { accuracyMarkdown, type AccuracyReport } from './report.js';
import { runAccuracy } from './run.js';

/**
 * Writes `accuracy.json` and `accuracy.md` to `out` (atomically) and returns their paths.
 *
 * @example
 * ```ts
 * writeAccuracyReport(report, 'bench-results'); // { json: 'bench-results/accuracy.json', markdown: 'bench-results/accuracy.md' }
 * ```
 */
export function writeAccuracyReport(report: AccuracyReport, out: string): { json: string; markdown: string } {
  const json = join(out, 'accuracy.json');
  const markdown = join(out, 'accuracy.md');
  writeFileAtomic(json, JSON.stringify(report, null, 2) + '\n');
  writeFileAtomic(markdown, accuracyMarkdown(report));
  return { json, markdown };
}

/**
 * Runs the benchmark, writes the reports, prints the Markdown on stdout (progress on stderr).
 * Fails (exit 1) after writing them when any class or method did not complete.
 *
 * @example
 * ```ts
 * await runAccuracyCommand(parseAccuracyArgs(['--data', '../shared/data', '--class', 'tire', '--size', '256']));
 * ```
 */
export async function runAccuracyCommand(args: AccuracyArgs): Promise<AccuracyReport> {
  // Rewritten after every class: a long multi-class run keeps what it finished if stopped.
  const report = await runAccuracy(args, { onClass: (partial) => writeAccuracyReport(partial, args.out) });
  const files = writeAccuracyReport(report, args.out);
  process.stdout.write(accuracyMarkdown(report));
  process.stderr.write(`wrote ${files.json} and ${files.markdown}\n`);
  // The reports are written either way; the exit code says whether every run finished.
  const failed = report.results.filter((r) => r.status !== 'completed');
  if (failed.length) throw new CliError(`accuracy: ${failed.length} of ${report.results.length} runs did not complete (${failed.map((r) => `${r.className}/${r.method}: ${r.error ?? r.status}`).join('; ')})`);
  return report;
}
