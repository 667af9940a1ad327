import { ONNX_ATTR, ONNX_DTYPE, onnxRoot } from '@msflow/core';
import type protobuf from 'protobufjs/light.js';

/** ONNX TensorProto.DataType codes (core's ONNX subset, shared with the weight importer). */
export const DTYPE = ONNX_DTYPE;

/** ONNX AttributeProto.AttributeType codes. */
export const ATTR_TYPE = ONNX_ATTR;

/**
 * The protobufjs type `onnx.ModelProto`, from the ONNX subset core already declares for reading
 * weights: one descriptor serves both reading and writing.
 *
 * @example
 * ```ts
 * const bytes = modelProtoType().encode(modelProtoType().fromObject({ irVersion: 8 })).finish();
 * ```
 */
export function modelProtoType(): protobuf.Type {
  return onnxRoot().lookupType('onnx.ModelProto');
}
