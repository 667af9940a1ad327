/**
 * Test-time scoring (spec §6): per-scale logp maps, additive and multiplicative anomaly maps,
 * the paper's top-k image scores, the user-facing NLL map and score, batched evaluation of a
 * feature set, and thresholds, normalisation and colour scales fixed by normal images.
 *
 * @packageDocumentation
 */
export { logpMap, additiveMap, multiplicativeMap, nllMap, imageScore, topKCount } from './maps.js';
export { scoreLatents, predict, type ScoreMaps } from './predict.js';
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
