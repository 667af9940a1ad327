/**
 * Last and best evaluation metrics over meta-epochs. MSFlow's published numbers are per-metric
 * maxima over all test evaluations (spec §8, test-set selection); the last-epoch numbers are
 * what a deployed model gives. Both are kept, and labelled, so reports never mix them up.
 */

/** One metric's best value and the meta-epoch it came from. */
export interface BestMetric {
  value: number;
  metaEpoch: number;
}

/** One meta-epoch's summary. */
export interface EpochRecord {
  metaEpoch: number;
  /** Mean training loss per image over the meta-epoch, and per latent element. */
  loss: number;
  lossPerDim: number;
  metrics: Record<string, number>;
}

/** Everything tracked; JSON-able (it goes to the checkpoint sidecar). */
export interface TrainingMetrics {
  /** Metrics after the most recent meta-epoch ("last"). */
  last: EpochRecord | null;
  /** Per-metric best over all meta-epochs so far ("best", each possibly from a different epoch). */
  best: Record<string, BestMetric>;
  history: EpochRecord[];
}

/** An empty record. */
export function emptyMetrics(): TrainingMetrics {
  return { last: null, best: {}, history: [] };
}

/**
 * Adds one meta-epoch. Metrics are "higher is better" unless named in `lowerIsBetter`; ties keep
 * the earlier epoch; non-finite values never become best.
 *
 * @example
 * ```ts
 * const m = recordEpoch(emptyMetrics(), { metaEpoch: 0, loss: -3e5, lossPerDim: -1.2, metrics: { imageAuroc: 0.97 } });
 * m.best.imageAuroc; // { value: 0.97, metaEpoch: 0 }
 * ```
 */
export function recordEpoch(state: TrainingMetrics, record: EpochRecord, lowerIsBetter: readonly string[] = []): TrainingMetrics {
  const best = { ...state.best };
  for (const [name, value] of Object.entries(record.metrics)) {
    if (!Number.isFinite(value)) continue;
    const prev = best[name];
    const better = !prev || (lowerIsBetter.includes(name) ? value < prev.value : value > prev.value);
    if (better) best[name] = { value, metaEpoch: record.metaEpoch };
  }
  return { last: record, best, history: [...state.history, record] };
}
