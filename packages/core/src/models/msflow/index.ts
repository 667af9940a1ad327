/**
 * The MSFlow model, in one folder: configuration and presets, the fusion coupling, the builder of
 * its flow graph, the model object, parameter and cost accounting, pre-computed feature sets, the
 * NLL loss and the anomaly maps.
 *
 * @packageDocumentation
 */
export {
  validateConfig,
  latentShapes,
  latentDims,
  ConfigError,
  CONFIG_LIMITS,
  isMapSigma,
  type MSFlowConfig,
  type TrainConfig,
  type ScheduleConfig,
  type FeaturePool,
} from './config.js';
export { CONFIG_KEYS, unknownConfigKeys, describeUnknownKeys, nearestName, type UnknownKey } from './config_keys.js';
export { PAPER_PRESET, CPU_PRESET, CPU_QUALITY_PRESET, CPU_RESNET18_PRESET, CPU_MAP_SIGMA, PRESETS, PAPER_SCHEDULE, scaledSchedule, presetConfig, withOverrides, type ConfigOverrides } from './presets.js';
export { drawPermutations, identityPermutations, validatePermutations, type MSFlowPermutations } from './permutations.js';
export { FusionCoupling, mixerHidden, type FusionOptions } from './fusion.js';
export { buildFlowGraph, msflowParamSpecs } from './graph.js';
export { MSFlowModel, type Latents } from './model.js';
export { countFlowParameters, estimateMacs, type ParameterCount, type MacEstimate } from './cost.js';
export { featureSource, featureBatch, toFeatureSet, type FeatureSet, type FeatureSource } from './features.js';
export { CORE_VERSION } from './version.js';
export { nllLoss, nllPerImage, lossPerDimension } from './loss.js';
export { logpMap, additiveMap, multiplicativeMap, nllMap, imageScore, topKCount } from './anomaly_map.js';
