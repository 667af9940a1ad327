/**
 * Pretrained CNN backbones from core ops: ResNet-18/34/50, Wide-ResNet-50-2 (zero or reflect
 * padding), Keras ResNet-50, MobileNetV1/V2; BatchNorm folded at load; weights from ONNX,
 * safetensors (torchvision names) or TensorFlow.js layers models.
 *
 * @packageDocumentation
 */
export * from './types.js';
export { IMAGENET_PREPROCESS, CAFFE_PREPROCESS, TF_PREPROCESS, UNIT_PREPROCESS, preprocessPixels, normalizeInput } from './preprocess.js';
export { architecture, isArchId, DEFAULT_TAPS, type ArchitectureOptions } from './architectures.js';
export { foldConv, toHwio, expectedWeightShape, type BatchNormParams, type RawConv, type FoldedConv, type WeightLayout } from './fold.js';
export {
  assembleWeights,
  mapStore,
  expectedTensorNames,
  countParameters,
  BackboneWeightsError,
  type TensorStore,
  type StoredTensor,
  type BackboneWeights,
  type AssembleOptions,
} from './weights.js';
export { randomBackboneWeights, zeroBackboneWeights } from './random.js';
export { tapShapes, inputConstraint, convOutSize, pooledSize, type TapPool } from './shapes.js';
export { createBackbone, type Backbone, type TapInfo, type CreateBackboneOptions } from './backbone.js';
export { safetensorsStore } from './torch.js';
export { onnxRoot, ONNX_DTYPE, ONNX_ATTR } from './onnx/proto.js';
export { readOnnxModel, OnnxReadError, type OnnxModel, type OnnxConv, type OnnxBatchNorm, type ReadOnnxOptions, type ExternalDataReader } from './onnx/read.js';
export { onnxBackboneWeights, type OnnxMatch } from './onnx/import.js';
export { readTfjsModel, type TfjsModel, type KerasLayer, type ShardReader } from './tfjs/model.js';
export { decodeTfjsGroup, TfjsWeightsError, type TfjsWeightGroup, type TfjsWeightEntry, type TfjsQuantization } from './tfjs/decode.js';
export { tfjsBackboneWeights } from './tfjs/import.js';
export { identifyArchitectures, identifyOnnxArchitectures, type ArchMatch } from './identify.js';
