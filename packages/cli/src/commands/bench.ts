import { CliError, UsageError } from '../util/errors.js';
import type { Output } from '../util/output.js';

/** The benchmark app's entry points, loaded only when `msflow bench` runs. */
interface BenchModule {
  parseBenchArgs(args: readonly string[]): unknown;
  runBenchCommand(args: unknown): Promise<void>;
}

// A variable specifier: the CLI does not depend on the benchmark app (which depends on the CLI).
const BENCH_PACKAGE = '@msflow/bench';

/** `msflow bench [flags...]`: runs `@msflow/bench` (the repo's apps/bench) with the same flags. */
export async function benchCommand(_out: Output, args: string[] = []): Promise<void> {
  let mod: BenchModule;
  try {
    mod = (await import(BENCH_PACKAGE)) as BenchModule;
  } catch (err) {
    throw new CliError(`bench: ${BENCH_PACKAGE} is not installed here (it is apps/bench in the msflow-ts repository; run npm run build there): ${(err as Error).message.split('\n')[0]}`);
  }
  let parsed: unknown;
  try {
    parsed = mod.parseBenchArgs(args);
  } catch (err) {
    throw new UsageError(`bench: ${(err as Error).message}`);
  }
  await mod.runBenchCommand(parsed);
}
