/** WGSL type of a uniform field. */
export type UniformType = 'u32' | 'i32' | 'f32';

/** WGSL keywords and reserved words a kernel might plausibly pick as a field name. */
const RESERVED = new Set(['filter', 'target', 'type', 'set', 'get', 'shared', 'layout', 'partition', 'patch', 'pass', 'meta', 'match', 'mod', 'ref', 'self', 'loop', 'const', 'let', 'var', 'fn', 'struct']);

/**
 * Named shader parameters, in the spirit of onnxruntime's ShaderHelper uniforms: a kernel adds
 * each value its shader needs under a name and a type; {@link declaration} is the WGSL `struct`
 * bound at binding 0 as `u`, so the shader reads `u.height`, and {@link data} the words uploaded
 * for one dispatch, in the same order. The declaration depends only on the names and types, so
 * the pipeline cache (keyed by the code) shares one program across shapes.
 *
 * @example
 * ```ts
 * const u = new Uniforms().u32({ n: 12, channels: 3 }).f32({ epsilon: 1e-5 });
 * u.declaration(); // "struct Uniforms { n: u32, channels: u32, epsilon: f32 }\n@group(0) @binding(0) var<uniform> u: Uniforms;"
 * u.data();        // Uint32Array [12, 3, 0x3727c5ac]
 * ```
 */
export class Uniforms {
  private readonly fields: { readonly name: string; readonly type: UniformType }[] = [];
  private readonly words: number[] = [];
  private static readonly f = new Float32Array(1);
  private static readonly bits = new Uint32Array(Uniforms.f.buffer);

  /** Adds u32 fields; a value must be an integer in [0, 2³²). */
  u32(values: Readonly<Record<string, number>>): this {
    for (const [name, v] of Object.entries(values)) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uniform ${name} = ${v} is not a u32`);
      this.add(name, 'u32', v);
    }
    return this;
  }

  /** Adds i32 fields (stored as their two's-complement bits). */
  i32(values: Readonly<Record<string, number>>): this {
    for (const [name, v] of Object.entries(values)) {
      if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`uniform ${name} = ${v} is not an i32`);
      this.add(name, 'i32', v >>> 0);
    }
    return this;
  }

  /** Adds f32 fields (stored as their float32 bits). */
  f32(values: Readonly<Record<string, number>>): this {
    for (const [name, v] of Object.entries(values)) {
      Uniforms.f[0] = v;
      this.add(name, 'f32', Uniforms.bits[0]);
    }
    return this;
  }

  /** Adds u32 fields `${name}0`, `${name}1`, ... (a shape or strides, one field per axis). */
  u32s(name: string, values: readonly number[]): this {
    return this.u32(Object.fromEntries(values.map((v, i) => [`${name}${i}`, v])));
  }

  private add(name: string, type: UniformType, word: number): void {
    if (!/^[a-z][a-z0-9_]*$/.test(name) || RESERVED.has(name)) throw new Error(`uniform name '${name}' is not a plain WGSL identifier`);
    if (this.fields.some((f) => f.name === name)) throw new Error(`uniform '${name}' is declared twice`);
    this.fields.push({ name, type });
    this.words.push(word);
  }

  /** Number of fields. */
  get length(): number {
    return this.fields.length;
  }

  /** The WGSL struct of the fields and its binding as `u` (binding 0 of group 0). */
  declaration(): string {
    const members = this.fields.length > 0 ? this.fields.map((f) => `${f.name}: ${f.type}`).join(', ') : 'unused: u32';
    return `struct Uniforms { ${members} }\n@group(0) @binding(0) var<uniform> u: Uniforms;`;
  }

  /** The words of one dispatch, in field order. */
  data(): Uint32Array {
    return this.words.length > 0 ? Uint32Array.from(this.words) : new Uint32Array(1);
  }
}
