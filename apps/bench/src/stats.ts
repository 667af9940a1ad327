/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Interquartile range relative to the median. */
  spread: number;
  reps: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Summarises samples (milliseconds). */
export function summarize(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const median = quantile(s, 0.5);
  return {
    medianMs: median,
    minMs: s[0],
    maxMs: s[s.length - 1],
    spread: median > 0 ? (quantile(s, 0.75) - quantile(s, 0.25)) / median : 0,
    reps: s.length,
  };
}

/**
 * Times `fn` after `warmup` untimed runs; stops early once `budgetMs` is spent (at least
 * one timed run).
 */
export async function measure(fn: () => Promise<void>, opts: { warmup: number; reps: number; budgetMs?: number }): Promise<Timing> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < opts.reps; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (opts.budgetMs !== undefined && performance.now() - start > opts.budgetMs) break;
  }
  return summarize(samples);
}
