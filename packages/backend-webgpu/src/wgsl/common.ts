import type { Uniforms } from './uniforms.js';

/**
 * Pieces every generated shader shares: the binding header (named uniforms, read-only inputs,
 * read-write outputs, matching `PipelineCache`'s layout) and a linear-index entry point that
 * spreads any element count over a 2-D grid of workgroups.
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
 * The header of a shader: the uniform struct `u` at binding 0 (see {@link Uniforms}), then the
 * inputs (`var<storage, read>`) and outputs (`var<storage, read_write>`).
 */
export function header(uniforms: Uniforms, inputs: readonly BindingDecl[], outputs: readonly BindingDecl[]): string {
  const lines = [uniforms.declaration()];
  let b = 1;
  for (const x of inputs) lines.push(`@group(0) @binding(${b++}) var<storage, read> ${x.name}: array<${x.type ?? 'f32'}>;`);
  for (const x of outputs) lines.push(`@group(0) @binding(${b++}) var<storage, read_write> ${x.name}: array<${x.type ?? 'f32'}>;`);
  return lines.join('\n');
}

/**
 * An entry point running `body` once per linear index `i < u.n` with `wg` invocations per
 * workgroup; pair it with {@link grid1d}.
 */
export function linearMain(wg: number, body: string): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${wg}u + lid;
  if (i >= u.n) { return; }
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
