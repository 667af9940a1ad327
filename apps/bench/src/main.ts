#!/usr/bin/env node
import { parseBenchArgs, runBenchCommand, type BenchArgs } from './cli.js';

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`msflow-bench: ${(err as Error).message}\n`);
  process.exit(2);
}
await runBenchCommand(args);
