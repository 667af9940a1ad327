/**
 * Pieces every generated shader shares: the binding header (uniform parameter block, read-only
 * inputs, read-write outputs, matching `PipelineCache`'s layout), parameter accessors, and a
 * linear-index entry point that spreads any element count over a 2-D grid of workgroups.
 */

/** One storage binding of a shader. */
export interface BindingDecl {
  readonly name: string;
  /** Element type; default `f32`. */
  readonly type?: 'f32' | 'u32';
}

/** Largest workgroup count per grid dimension WebGPU guarantees. */
export const MAX_GROUPS_PER_DIM = 65535;

/**
 * The header of a shader: `struct Params`, the uniform `u` at binding 0 with accessors
 * `P(i)` (u32), `PI(i)` (i32) and `PF(i)` (f32) of parameter word `i`, then the inputs
 * (`var<storage, read>`) and outputs (`var<storage, read_write>`).
 */
export function header(paramWords: number, inputs: readonly BindingDecl[], outputs: readonly BindingDecl[]): string {
  const vec4s = Math.max(1, Math.ceil(paramWords / 4));
  const lines = [
    `struct Params { p: array<vec4<u32>, ${vec4s}> }`,
    '@group(0) @binding(0) var<uniform> u: Params;',
    'fn P(i: u32) -> u32 { return u.p[i >> 2u][i & 3u]; }',
    'fn PI(i: u32) -> i32 { return bitcast<i32>(P(i)); }',
    'fn PF(i: u32) -> f32 { return bitcast<f32>(P(i)); }',
  ];
  let b = 1;
  for (const x of inputs) lines.push(`@group(0) @binding(${b++}) var<storage, read> ${x.name}: array<${x.type ?? 'f32'}>;`);
  for (const x of outputs) lines.push(`@group(0) @binding(${b++}) var<storage, read_write> ${x.name}: array<${x.type ?? 'f32'}>;`);
  return lines.join('\n');
}

/**
 * An entry point running `body` once per linear index `i < P(0)` with `wg` invocations per
 * workgroup; pair it with {@link grid1d}.
 */
export function linearMain(wg: number, body: string): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${wg}u + lid;
  if (i >= P(0u)) { return; }
${body}
}`;
}

/** Workgroup grid covering `n` items with `perGroup` items per workgroup. */
export function grid1d(n: number, perGroup: number): [number, number, number] {
  const groups = Math.ceil(n / perGroup);
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y, 1];
}

/** A workgroup's linear index within a {@link grid1d} grid (WGSL expression). */
export const GROUP_INDEX = '(wid.y * nwg.x + wid.x)';

/** Builds the u32 words of a uniform block; `f32`/`i32` values are stored bit for bit. */
export class ParamWriter {
  private readonly words: number[] = [];
  private static readonly f = new Float32Array(1);
  private static readonly u = new Uint32Array(ParamWriter.f.buffer);

  /** Appends values; returns the index of the first. */
  u32(...values: number[]): number {
    const at = this.words.length;
    for (const v of values) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`parameter ${v} is not a u32`);
      this.words.push(v);
    }
    return at;
  }

  i32(...values: number[]): number {
    const at = this.words.length;
    for (const v of values) this.words.push(v >>> 0);
    return at;
  }

  f32(...values: number[]): number {
    const at = this.words.length;
    for (const v of values) {
      ParamWriter.f[0] = v;
      this.words.push(ParamWriter.u[0]);
    }
    return at;
  }

  get length(): number {
    return this.words.length;
  }

  data(): Uint32Array {
    return Uint32Array.from(this.words);
  }
}
