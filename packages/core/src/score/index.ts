/**
 * Test-time scoring (spec §6) on top of the model's anomaly maps (`models/msflow/anomaly_map.ts`):
 * latents to maps and image scores, batched evaluation of a feature set, and thresholds,
 * normalisation and colour scales fixed by normal images.
 *
 * @packageDocumentation
 */
export { scoreLatents, scoreWith, predict, type ScoreMaps, type ScoringConfig } from './predict.js';
export { evaluate, type BatchScorer, type BatchScores, type EvaluateOptions, type EvaluationOutput } from './evaluate.js';
export {
  thresholdAtFpr,
  scoreNormalization,
  normalizeScore,
  normalizeScores,
  calibrateMaps,
  mapColorRange,
  type FprThreshold,
  type ScoreNormalization,
  type MapCalibration,
} from './calibration.js';
export { assertFiniteScores, NonFiniteScoreError } from './finite.js';
