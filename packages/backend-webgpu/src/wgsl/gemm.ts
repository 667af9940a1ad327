import { header, type BindingDecl } from './common.js';
import type { Uniforms } from './uniforms.js';

/**
 * Tiling of the GEMM template: a workgroup computes a `tm` x `tn` output tile, walking K in
 * steps of `tk` through workgroup memory; each invocation keeps an `rm` x `rn` block of
 * accumulators in registers (register blocking). Invocations: (tm/rm) * (tn/rn).
 */
export interface GemmTile {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  readonly rm: number;
  readonly rn: number;
}

/** The default tile: 64x64 outputs per workgroup, 4x4 per invocation, K steps of 16. */
export const DEFAULT_TILE: GemmTile = { tm: 64, tn: 64, tk: 16, rm: 4, rn: 4 };

/**
 * The operand access of one GEMM-shaped kernel, as WGSL snippets. Shapes and other values the
 * snippets need are named uniforms (`u.height`), added next to the GEMM's own `u.m`, `u.n`,
 * `u.k`, `u.splits`, `u.k_split` and `u.out_size`; `g` (group index) is in scope everywhere.
 *
 * A logical GEMM is C[m, n] = sum_k A[m, k] * B[k, n] for each group `g`, with K split into
 * chunks when the dispatch asks for it (each split writes its own partial result).
 */
export interface GemmSpec {
  readonly label: string;
  readonly inputs: readonly BindingDecl[];
  readonly outputs: readonly BindingDecl[];
  /** Which index changes between neighbouring invocations when loading A: `k` or `m`. */
  readonly aFast: 'k' | 'm';
  /** Which index changes between neighbouring invocations when loading B: `n` or `k`. */
  readonly bFast: 'n' | 'k';
  /** Statements run once per A row an invocation loads (`m` is its row, may be out of range). Suffix names with `s`. */
  aSetup(m: string, s: string): string;
  /** Statements assigning `A[m, k]` to `dst` (only run for m < M and k < K). */
  aLoad(k: string, s: string, dst: string): string;
  /** Statements run once per B column an invocation loads. */
  bSetup(n: string, s: string): string;
  /** Statements assigning `B[k, n]` to `dst` (only run for n < N and k < K). */
  bLoad(k: string, s: string, dst: string): string;
  /** Statements storing `v` as C[m, n] of split `split` (only run for m < M and n < N). */
  store(m: string, n: string, v: string, split: string): string;
}

/** Workgroup grid of a GEMM dispatch. */
export function gemmGrid(tile: GemmTile, m: number, n: number, groups: number, splits: number): [number, number, number] {
  return [Math.ceil(n / tile.tn), Math.ceil(m / tile.tm), groups * splits];
}

/**
 * WGSL of a tiled, register-blocked GEMM following `spec`, reading `uniforms` (which hold
 * `m`, `n`, `k`, `splits` and `k_split`, the K per split, a multiple of tk).
 */
export function gemmShader(spec: GemmSpec, uniforms: Uniforms, tile: GemmTile = DEFAULT_TILE): string {
  const { tm, tn, tk, rm, rn } = tile;
  const tx = tn / rn;
  const ty = tm / rm;
  const T = tx * ty;
  if (!Number.isInteger(tx) || !Number.isInteger(ty) || (tm * tk) % T !== 0 || (tk * tn) % T !== 0) {
    throw new Error(`bad GEMM tile ${JSON.stringify(tile)}`);
  }
  const LA = (tm * tk) / T;
  const LB = (tk * tn) / T;
  const lines: string[] = [];
  const L = (s: string) => lines.push(s);
  L(header(uniforms, spec.inputs, spec.outputs));
  L(`var<workgroup> As: array<f32, ${tm * tk}>;`);
  L(`var<workgroup> Bs: array<f32, ${tk * tn}>;`);
  L(`@compute @workgroup_size(${T})`);
  L('fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {');
  L('  let M = u.m; let N = u.n; let K = u.k;');
  L('  let g = wid.z / u.splits; let split = wid.z % u.splits;');
  L('  let kBegin = split * u.k_split; let kEnd = min(K, kBegin + u.k_split);');
  L(`  let mBase = wid.y * ${tm}u; let nBase = wid.x * ${tn}u;`);
  L(`  let tx = t % ${tx}u; let ty = t / ${tx}u;`);
  // Which A rows / B columns this invocation loads: fixed for the whole K loop.
  for (let s = 0; s < LA; s++) {
    const idx = `(t + ${s * T}u)`;
    const [row, kk] = spec.aFast === 'k' ? [`${idx} / ${tk}u`, `${idx} % ${tk}u`] : [`${idx} % ${tm}u`, `${idx} / ${tm}u`];
    L(`  let ar${s} = ${row}; let ak${s} = ${kk}; let am${s} = mBase + ar${s}; let aok${s} = am${s} < M;`);
    L(indent(spec.aSetup(`am${s}`, `${s}`)));
  }
  for (let s = 0; s < LB; s++) {
    const idx = `(t + ${s * T}u)`;
    const [col, kk] = spec.bFast === 'n' ? [`${idx} % ${tn}u`, `${idx} / ${tn}u`] : [`${idx} / ${tk}u`, `${idx} % ${tk}u`];
    L(`  let bc${s} = ${col}; let bk${s} = ${kk}; let bn${s} = nBase + bc${s}; let bok${s} = bn${s} < N;`);
    L(indent(spec.bSetup(`bn${s}`, `${s}`)));
  }
  for (let r = 0; r < rm; r++) for (let c = 0; c < rn; c++) L(`  var acc${r}_${c} = 0.0;`);
  L(`  for (var k0 = kBegin; k0 < kEnd; k0 = k0 + ${tk}u) {`);
  for (let s = 0; s < LA; s++) {
    L(`    { var v = 0.0; let k = k0 + ak${s};`);
    L(`      if (aok${s} && k < kEnd) {`);
    L(indent(spec.aLoad('k', `${s}`, 'v'), 8));
    L('      }');
    L(`      As[ak${s} * ${tm}u + ar${s}] = v; }`);
  }
  for (let s = 0; s < LB; s++) {
    L(`    { var v = 0.0; let k = k0 + bk${s};`);
    L(`      if (bok${s} && k < kEnd) {`);
    L(indent(spec.bLoad('k', `${s}`, 'v'), 8));
    L('      }');
    L(`      Bs[bk${s} * ${tn}u + bc${s}] = v; }`);
  }
  L('    workgroupBarrier();');
  L(`    for (var kk = 0u; kk < ${tk}u; kk = kk + 1u) {`);
  L(`      let ao = kk * ${tm}u + ty * ${rm}u; let bo = kk * ${tn}u + tx * ${rn}u;`);
  for (let r = 0; r < rm; r++) L(`      let a${r} = As[ao + ${r}u];`);
  for (let c = 0; c < rn; c++) L(`      let b${c} = Bs[bo + ${c}u];`);
  for (let r = 0; r < rm; r++) for (let c = 0; c < rn; c++) L(`      acc${r}_${c} = acc${r}_${c} + a${r} * b${c};`);
  L('    }');
  L('    workgroupBarrier();');
  L('  }');
  for (let r = 0; r < rm; r++) {
    L(`  { let m = mBase + ty * ${rm}u + ${r}u;`);
    L('    if (m < M) {');
    for (let c = 0; c < rn; c++) {
      L(`      { let n = nBase + tx * ${rn}u + ${c}u; if (n < N) {`);
      L(indent(spec.store('m', 'n', `acc${r}_${c}`, 'split'), 8));
      L('      } }');
    }
    L('    } }');
  }
  L('}');
  return lines.join('\n');
}

function indent(code: string, n = 2): string {
  const pad = ' '.repeat(n);
  return code
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => pad + l.trim())
    .join('\n');
}

/** How many K splits a GEMM of this size should use so enough workgroups run at once. */
export function chooseSplits(tile: GemmTile, m: number, n: number, k: number, groups: number, enabled: boolean, minGroups = 32): number {
  if (!enabled) return 1;
  const tiles = Math.ceil(m / tile.tm) * Math.ceil(n / tile.tn) * groups;
  if (tiles >= minGroups) return 1;
  // Keep at least 256 K per split, so the partial sums stay worth their memory traffic.
  const byK = Math.floor(k / 256);
  return Math.max(1, Math.min(Math.ceil(minGroups / tiles), byK, 64));
}

/** K per split, rounded up to the tile's K step. */
export function kPerSplit(tile: GemmTile, k: number, splits: number): number {
  return Math.ceil(Math.ceil(k / splits) / tile.tk) * tile.tk;
}
