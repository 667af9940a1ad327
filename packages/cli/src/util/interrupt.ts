import type { Output } from './output.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), after its checkpoint was saved. */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs `fn` with an AbortSignal that the first Ctrl-C (SIGINT) or SIGTERM aborts, so training
 * can stop at a step boundary and save a resumable checkpoint. A second Ctrl-C exits at once
 * (every file is written atomically, so nothing is left half-written).
 *
 * @example
 * ```ts
 * const result = await withInterrupt(out, (signal) => trainer.run(features, { signal }));
 * ```
 */
export async function withInterrupt<T>(out: Output, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\nmsflow: ${sig} again, exiting without waiting\n`);
      process.exit(INTERRUPTED_EXIT);
    }
    out.warn(`${sig}: stopping after the current step and saving a resumable checkpoint (Ctrl-C again to quit now)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
