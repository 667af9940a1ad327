// Named shader parameters: the struct the shaders read and the words uploaded with it. No GPU.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Uniforms } from '../src/wgsl/uniforms.js';

describe('Uniforms', () => {
  it('declares the fields in order and packs their words bit for bit', () => {
    const u = new Uniforms().u32({ n: 12, channels: 3 }).i32({ pad_top: -2 }).f32({ epsilon: 1e-5 }).u32s('dim', [4, 5]);
    expect(u.declaration()).toBe(
      'struct Uniforms { n: u32, channels: u32, pad_top: i32, epsilon: f32, dim0: u32, dim1: u32 }\n@group(0) @binding(0) var<uniform> u: Uniforms;',
    );
    const words = u.data();
    expect([words[0], words[1], words[4], words[5]]).toEqual([12, 3, 4, 5]);
    expect(new Int32Array(words.buffer)[2]).toBe(-2);
    expect(new Float32Array(words.buffer)[3]).toBe(Math.fround(1e-5));
    expect(u.length).toBe(6);
  });

  it('refuses values that do not fit, repeated names and names WGSL would not take', () => {
    expect(() => new Uniforms().u32({ n: -1 })).toThrow(/not a u32/);
    expect(() => new Uniforms().u32({ n: 1.5 })).toThrow(/not a u32/);
    expect(() => new Uniforms().i32({ pad: 2 ** 31 })).toThrow(/not an i32/);
    expect(() => new Uniforms().u32({ n: 1 }).u32({ n: 2 })).toThrow(/declared twice/);
    expect(() => new Uniforms().u32({ Height: 1 })).toThrow(/not a plain WGSL identifier/);
    expect(() => new Uniforms().u32({ filter: 1 })).toThrow(/not a plain WGSL identifier/);
  });

  it('depends only on names and types, so one program serves every shape', () => {
    const a = new Uniforms().u32({ n: 1, height: 2 });
    const b = new Uniforms().u32({ n: 100, height: 200 });
    expect(a.declaration()).toBe(b.declaration());
    expect(Array.from(a.data())).not.toEqual(Array.from(b.data()));
  });
});

describe('WGSL sources', () => {
  it('read parameters by name: no positional P(i) / PI(i) / PF(i) accessor is left', () => {
    const root = join(import.meta.dirname, '..', 'src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const positional = files.filter((f) => /\bP[IF]?\(\d+u\)/.test(readFileSync(join(root, f), 'utf8')));
    expect(files.length).toBeGreaterThan(10);
    expect(positional).toEqual([]);
  });
});
