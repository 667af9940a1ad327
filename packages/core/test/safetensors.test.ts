// safetensors: round trips, canonical bytes, and errors that name the source.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedArray } from '@msflow/core';

const tensors = new Map<string, NamedArray>([
  ['flow.0.weight', { shape: [2, 3], data: Float32Array.of(1, -2.5, 3.25, 1e-30, -0, 3.4e38) }],
  ['bias', { shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) }],
  ['scalar', { shape: [], data: Float32Array.of(7) }],
  ['empty', { shape: [0, 4], data: new Float32Array(0) }],
]);

/** Hand-builds a safetensors file from a header (object or raw text) and data bytes. */
function build(header: object | string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips names, shapes, values (bit-exact) and metadata', () => {
    const bytes = encodeSafetensors(tensors, { epoch: '3', format: 'pt' });
    const back = decodeSafetensors(bytes, 'model.safetensors');
    expect([...back.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect(new Uint8Array(back.tensors.get(name)!.data.buffer)).toEqual(new Uint8Array(t.data.buffer));
    }
    expect(back.metadata).toEqual({ epoch: '3', format: 'pt' });
  });

  it('re-encodes decoded content to identical bytes, whatever the insertion order', () => {
    const bytes = encodeSafetensors(tensors, { epoch: '3' });
    const decoded = decodeSafetensors(bytes);
    expect(encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(bytes);
    const reversed = new Map([...tensors].reverse());
    expect(encodeSafetensors(reversed, { epoch: '3' })).toEqual(bytes);
  });

  it('aligns the data to 8 bytes and writes a little-endian header length', () => {
    const bytes = encodeSafetensors(tensors);
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))).bias).toEqual({ dtype: 'F32', shape: [3], data_offsets: [0, 12] });
  });

  it('names the source when the file is truncated', () => {
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), 'runs/a/weights.safetensors')).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), 'runs/a/weights.safetensors'))
      .toThrow(/^runs\/a\/weights\.safetensors: truncated \(tensor .* ends at byte \d+, file has \d+\)/);
    expect(() => decodeSafetensors(bytes.subarray(0, 20), 'w.st')).toThrow(/^w\.st: truncated header/);
    expect(() => decodeSafetensors(bytes.subarray(0, 5), 'w.st')).toThrow('w.st: truncated (5 bytes, no header length)');
  });

  it('rejects malformed headers, unknown dtypes and inconsistent spans', () => {
    expect(() => decodeSafetensors(build('{"x": ', new Uint8Array()), 'bad.st')).toThrow('bad.st: header is not valid JSON');
    expect(() => decodeSafetensors(build({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), 'c.st'))
      .toThrow('c.st: tensor x has unsupported dtype C64');
    expect(() => decodeSafetensors(build({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), 's.st'))
      .toThrow('s.st: tensor x spans 8 bytes, shape needs 12');
    expect(() => encodeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]])))
      .toThrow('tensor w: shape [2,2] does not match 3 values');
  });

  it('decodes F16, BF16, F64 and integer tensors to float32', () => {
    const data = new Uint8Array(2 * 2 + 2 * 2 + 8 + 4 + 1);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true); // f16 1.0
    view.setUint16(2, 0xc500, true); // f16 -5.0
    view.setUint16(4, 0x3fc0, true); // bf16 1.5
    view.setUint16(6, 0xc040, true); // bf16 -3.0
    view.setFloat64(8, 0.125, true);
    view.setInt32(16, -7, true);
    view.setUint8(20, 200);
    const header = {
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      d: { dtype: 'F64', shape: [1], data_offsets: [8, 16] },
      i: { dtype: 'I32', shape: [1], data_offsets: [16, 20] },
      u: { dtype: 'U8', shape: [1], data_offsets: [20, 21] },
    };
    const { tensors: out } = decodeSafetensors(build(header, data));
    expect(Array.from(out.get('h')!.data)).toEqual([1, -5]);
    expect(Array.from(out.get('b')!.data)).toEqual([1.5, -3]);
    expect(Array.from(out.get('d')!.data)).toEqual([0.125]);
    expect(Array.from(out.get('i')!.data)).toEqual([-7]);
    expect(Array.from(out.get('u')!.data)).toEqual([200]);
  });
});
