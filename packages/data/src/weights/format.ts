import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Weight file formats msflow reads. */
export type WeightFormat = 'onnx' | 'safetensors' | 'tfjs';

/** Thrown when a path is missing or holds no known weight format. */
export class WeightFileError extends Error {
  override name = 'WeightFileError';
}

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Resolves a user-given path to the weight file proper: a directory holding `model.json` means
 * that tfjs model.
 */
export function resolveWeightPath(path: string): string {
  if (!existsSync(path)) throw new WeightFileError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    const json = join(path, 'model.json');
    if (existsSync(json)) return json;
    throw new WeightFileError(`${path}: a directory without model.json; point at an .onnx, .safetensors or tfjs model.json file`);
  }
  return path;
}

/**
 * Tells the format of a weight file from its extension, confirmed by its first bytes.
 *
 * @example
 * ```ts
 * detectWeightFormat('wide_resnet50_2.onnx'); // 'onnx'
 * ```
 */
export function detectWeightFormat(path: string): WeightFormat {
  const file = resolveWeightPath(path);
  const lower = file.toLowerCase();
  const bytes = head(file, 16);
  if (lower.endsWith('.json')) {
    if (bytes[0] !== 0x7b) throw new WeightFileError(`${file}: expected a tfjs model.json (JSON object)`);
    return 'tfjs';
  }
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.onnx')) return 'onnx';
  // No telling extension: a safetensors header length followed by '{', else try ONNX (field 1, varint).
  if (bytes.length >= 9 && bytes[8] === 0x7b) return 'safetensors';
  if (bytes[0] === 0x08) return 'onnx';
  throw new WeightFileError(`${file}: unknown weight format; expected .onnx, .safetensors or a tfjs model.json`);
}
