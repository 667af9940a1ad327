/**
 * Checkpoints: safetensors weights (parameters and Adam moments) plus a JSON sidecar, as bytes
 * and objects (core has no file system), with validation on load: the weights' and the sidecar's
 * CRC-32, every field within limits, every weight finite.
 *
 * @packageDocumentation
 */
export { crc32 } from './crc32.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, READABLE_FORMAT_VERSIONS, ADAM_PREFIX, type CheckpointSidecar } from './sidecar.js';
export { canonicalJson, sealSidecar, sidecarCrc32, SEAL_FIELD } from './seal.js';
export {
  serializeCheckpoint,
  deserializeCheckpoint,
  restoreModel,
  restoreTrainer,
  loadCheckpoint,
  CheckpointError,
  type SerializedCheckpoint,
  type SerializeOptions,
  type CheckpointContent,
  type DeserializeOptions,
} from './serialize.js';
