/**
 * Test-time scoring (spec §6): per-scale logp maps, additive and multiplicative anomaly maps,
 * top-k image scores, and batched evaluation of a feature set.
 *
 * @packageDocumentation
 */
export { logpMap, additiveMap, multiplicativeMap, imageScore, topKCount } from './maps.js';
export { scoreLatents, predict, type ScoreMaps } from './predict.js';
export { evaluate, type BatchScorer, type BatchScores, type EvaluateOptions, type EvaluationOutput } from './evaluate.js';
export { assertFiniteScores, NonFiniteScoreError } from './finite.js';
