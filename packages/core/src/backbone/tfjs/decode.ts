import type { StoredTensor } from '../weights.js';

import { halfToFloat } from '../../io/half.js';
import { sizeOf } from '../../tensor/shape.js';

export { halfToFloat };

/** Quantization of one weight in a tfjs weights manifest. */
export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

/** One weight entry of a tfjs weights manifest. */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | string;
  quantization?: TfjsQuantization;
}

/** One group of a tfjs weights manifest: its shard files hold its weights back to back. */
export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightEntry[];
}

/** Thrown for a manifest that does not match its shards; names the file and the weight. */
export class TfjsWeightsError extends Error {
  override name = 'TfjsWeightsError';
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight entry occupies in its group's buffer. */
export function entryBytes(e: TfjsWeightEntry): number {
  const n = sizeOf(e.shape);
  const width = BYTES[e.quantization?.dtype ?? e.dtype];
  if (!width) throw new TfjsWeightsError(`weight '${e.name}' has unsupported dtype ${e.quantization?.dtype ?? e.dtype}`);
  return n * width;
}

/**
 * Decodes one weight group (its shards concatenated) to float32 tensors: float32, int32 and bool
 * as stored; `uint8`/`uint16` quantization as `min + scale·q`; `float16` as half floats.
 *
 * @example
 * ```ts
 * const tensors = decodeTfjsGroup(manifest[0], concatenatedShards, 'model.json');
 * ```
 */
export function decodeTfjsGroup(group: TfjsWeightGroup, bytes: Uint8Array, source: string): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  for (const e of group.weights) {
    const size = entryBytes(e);
    if (pos + size > bytes.length) {
      throw new TfjsWeightsError(`${source}: weight '${e.name}' ends at byte ${pos + size}, but the shards of its group (${group.paths.join(', ')}) hold ${bytes.length}`);
    }
    const n = sizeOf(e.shape);
    const data = new Float32Array(n);
    const q = e.quantization;
    if (q && (q.dtype === 'uint8' || q.dtype === 'uint16')) {
      if (q.scale === undefined || q.min === undefined) throw new TfjsWeightsError(`${source}: weight '${e.name}' is ${q.dtype}-quantized without scale/min`);
      for (let i = 0; i < n; i++) data[i] = q.min + q.scale * (q.dtype === 'uint8' ? dv.getUint8(pos + i) : dv.getUint16(pos + 2 * i, true));
    } else if (q?.dtype === 'float16') {
      for (let i = 0; i < n; i++) data[i] = halfToFloat(dv.getUint16(pos + 2 * i, true));
    } else if (e.dtype === 'float32') {
      for (let i = 0; i < n; i++) data[i] = dv.getFloat32(pos + 4 * i, true);
    } else if (e.dtype === 'int32') {
      for (let i = 0; i < n; i++) data[i] = dv.getInt32(pos + 4 * i, true);
    } else {
      for (let i = 0; i < n; i++) data[i] = dv.getUint8(pos + i);
    }
    out.set(e.name, { shape: [...e.shape], data });
    pos += size;
  }
  if (pos !== bytes.length) {
    throw new TfjsWeightsError(`${source}: the shards of group (${group.paths.join(', ')}) hold ${bytes.length} bytes, its weights need ${pos}`);
  }
  return out;
}
