import { Rng, getBackend, registeredBackends, resolveBackend, setBackend } from '@msflow/core';
import { registerInstalledBackends } from '@msflow/cli';
import { describeMachine } from './machine.js';
import { opCases, runOnce } from './ops.js';
import type { BenchEntry, BenchReport } from './report.js';
import { measure } from './stats.js';

export interface BenchOptions {
  quick: boolean;
  /** Backend names to run; default every registered one. */
  backends?: string[];
  log?: (line: string) => void;
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

/** Runs the benchmark suite on every requested backend that starts; reports skips with reasons. */
export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => {});
  await registerInstalledBackends();
  const machine = describeMachine();
  const names = opts.backends ?? registeredBackends().filter((n) => !n.startsWith('tfjs-'));
  const report: BenchReport = { date: new Date().toISOString(), quick: opts.quick, machine, versions: { node: process.version }, entries: [], skipped: [] };
  const reps = opts.quick ? { warmup: 1, reps: 3, budgetMs: 3_000 } : { warmup: 2, reps: 10, budgetMs: 30_000 };
  for (const name of names) {
    let detail: string;
    try {
      setBackend(await resolveBackend([name]));
      detail = getBackend().info().detail;
    } catch (err) {
      report.skipped.push({ backend: name, reason: (err as Error).message.replace(/^no backend could be started: /, '') });
      log(`skip ${name}: ${(err as Error).message}`);
      continue;
    }
    if (!getBackend().info().concrete) {
      report.skipped.push({ backend: name, reason: 'tracing backend: timed through its compiled programs, not per op' });
      continue;
    }
    const rng = new Rng(1);
    for (const c of opCases(opts.quick)) {
      const { run, inputs } = c.setup(rng);
      try {
        const timing = await measure(() => runOnce(run), reps);
        const gflops = c.flops / (timing.medianMs / 1000) / 1e9;
        const entry: BenchEntry = { backend: name, detail, name: c.name, kind: 'op', timing, flops: c.flops, gflops, peakShare: gflops / machine.peakGflops, rssMiB: rssMiB() };
        report.entries.push(entry);
        log(`${name} ${c.name}: ${timing.medianMs.toFixed(2)} ms, ${gflops.toFixed(2)} GFLOP/s`);
      } catch (err) {
        report.skipped.push({ backend: name, reason: `${c.name}: ${(err as Error).message}` });
      } finally {
        for (const t of inputs) t.dispose();
      }
    }
    getBackend().dispose();
  }
  return report;
}
