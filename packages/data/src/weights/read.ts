import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readOnnxModel, readTfjsModel, safetensorsStore, type OnnxModel, type TensorStore, type TfjsModel } from '@msflow/core';
import { detectWeightFormat, resolveWeightPath, WeightFileError, type WeightFormat } from './format.js';

/** A weight file read from disk, in the shape its core importer takes. */
export type WeightFile =
  | { format: 'onnx'; path: string; onnx: OnnxModel }
  | { format: 'safetensors'; path: string; store: TensorStore }
  | { format: 'tfjs'; path: string; tfjs: TfjsModel };

/** Reads a file relative to a base directory, naming both in the error. */
function readRelative(base: string, rel: string, what: string, owner: string): Uint8Array {
  const target = join(base, rel);
  try {
    return readFileSync(target);
  } catch (err) {
    throw new WeightFileError(`${owner}: cannot read ${what} '${rel}' (${target}): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reads an ONNX model (external data files next to it), a safetensors state dict, or a tfjs
 * layers model (model.json + its shards).
 *
 * @example
 * ```ts
 * const file = readWeightFile('wide_resnet50_2.onnx');
 * ```
 */
export function readWeightFile(path: string, format?: WeightFormat): WeightFile {
  const file = resolveWeightPath(path);
  const kind = format ?? detectWeightFormat(file);
  const dir = dirname(file);
  switch (kind) {
    case 'onnx':
      return {
        format: 'onnx',
        path: file,
        onnx: readOnnxModel(readFileSync(file), { source: file, externalData: (loc) => readRelative(dir, loc, 'external data file', file) }),
      };
    case 'safetensors':
      return { format: 'safetensors', path: file, store: safetensorsStore(readFileSync(file), file) };
    case 'tfjs':
      return { format: 'tfjs', path: file, tfjs: readTfjsModel(readFileSync(file, 'utf8'), (p) => readRelative(dir, p, 'weight shard', file), file) };
  }
}
