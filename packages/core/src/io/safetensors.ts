import { sizeOf } from '../tensor/shape.js';
import { halfToFloat } from './half.js';
/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * data), in pure TypeScript over bytes: no file system, so it runs everywhere core runs.
 */

/** One named float tensor. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** Decoded safetensors content. */
export interface SafetensorsContent {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Thrown for malformed or truncated safetensors bytes; names the source and the defect. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/**
 * Encodes float32 tensors (sorted by name, so equal content gives equal bytes).
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([['w', { shape: [2], data: Float32Array.of(1, 2) }]]), { epoch: '3' });
 * ```
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * 4;
    if (sizeOf(t.shape) !== t.data.length) {
      throw new SafetensorsError(`tensor ${name}: shape [${t.shape.join(',')}] does not match ${t.data.length} values`);
    }
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned.
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    const dv = new DataView(out.buffer, pos, d.length * 4);
    for (let i = 0; i < d.length; i++) dv.setFloat32(i * 4, d[i], true);
    pos += d.length * 4;
  }
  return out;
}

/**
 * Decodes safetensors bytes; float tensors (F32, F16, BF16, F64) become Float32Array.
 * `source` names the file in error messages.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContent {
  if (bytes.length < 8) throw new SafetensorsError(`${source}: truncated (${bytes.length} bytes, no header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) throw new SafetensorsError(`${source}: truncated header (needs ${headerLen} bytes, file has ${bytes.length - 8})`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    throw new SafetensorsError(`${source}: header is not valid JSON`);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width = DTYPE_BYTES[dtype];
    if (!width) throw new SafetensorsError(`${source}: tensor ${name} has unsupported dtype ${dtype}`);
    const [start, end] = data_offsets;
    const n = sizeOf(shape);
    if (end - start !== n * width) throw new SafetensorsError(`${source}: tensor ${name} spans ${end - start} bytes, shape needs ${n * width}`);
    if (base + end > bytes.length) throw new SafetensorsError(`${source}: truncated (tensor ${name} ends at byte ${base + end}, file has ${bytes.length})`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + start, end - start);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      switch (dtype) {
        case 'F32': data[i] = dv.getFloat32(i * 4, true); break;
        case 'F64': data[i] = dv.getFloat64(i * 8, true); break;
        case 'F16': data[i] = halfToFloat(dv.getUint16(i * 2, true)); break;
        case 'BF16': data[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]; break;
        case 'I64': data[i] = Number(dv.getBigInt64(i * 8, true)); break;
        case 'I32': data[i] = dv.getInt32(i * 4, true); break;
        case 'I16': data[i] = dv.getInt16(i * 2, true); break;
        case 'I8': data[i] = dv.getInt8(i); break;
        default: data[i] = dv.getUint8(i);
      }
    }
    tensors.set(name, { shape: [...shape], data });
  }
  return { tensors, metadata };
}
