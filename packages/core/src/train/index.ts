/**
 * Training MSFlow: Adam, global-norm clipping, the learning-rate schedule, metric tracking and the
 * resumable {@link Trainer}, on the model's NLL loss (`models/msflow/loss.ts`).
 *
 * @packageDocumentation
 */
export { Adam, adamScalars, adamUpdate, namedAdamState, type AdamOptions, type AdamState } from './adam.js';
export { clipByGlobalNorm } from './clip.js';
export { learningRate } from './schedule.js';
export { emptyMetrics, recordEpoch, type BestMetric, type EpochRecord, type TrainingMetrics } from './metrics.js';
export { Trainer, type TrainerOptions, type TrainerState, type TrainEvent, type TrainOptions, type TrainResult } from './trainer.js';
export { EagerTrainStep, TrainingError, checkFinite, clippedGradients, trainStepProgram, type StepResult, type StepScalars, type TrainStepper, type TrainStepperFactory } from './step.js';
export { validationLoss, type ValidationLoss } from './validation.js';
