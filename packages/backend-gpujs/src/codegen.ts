/**
 * Helpers that write gpu.js kernel sources. Every kernel has a flat 1-D output; shapes and
 * attributes are baked in as literals (the kernel cache is keyed by them), so loops have
 * constant bounds, as GLSL requires, and index arithmetic folds to constants.
 */

/**
 * A float literal. Always written with a decimal point or exponent: gpu.js types a bare `2` as
 * an integer, and integer arithmetic in a float expression would truncate in the GL modes.
 */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (!Number.isFinite(v)) return v > 0 ? '(1e30 * 1e30)' : '(-1e30 * 1e30)';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

export const sizeOf = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** Statements plus the expressions of the coordinates they compute. */
export interface Coords {
  readonly lines: string[];
  /** One expression per dimension; `0` for size-1 dimensions. */
  readonly coords: string[];
}

/**
 * Statements splitting the flat index `idx` into coordinates over `dims` (names start with
 * `p`). Integer division is `floor((i + 0.5) / d)`: the half keeps float32 quotients away from
 * integer boundaries, where rounding could otherwise put floor() one off.
 */
export function unravel(idx: string, dims: readonly number[], p: string): Coords {
  const lines: string[] = [];
  const coords = new Array<string>(dims.length).fill('0');
  let cur = idx;
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = dims[i];
    if (d === 1) continue;
    // Dimensions before i all have size 1: what remains is this coordinate.
    if (dims.slice(0, i).every((q) => q === 1)) {
      coords[i] = cur;
      break;
    }
    lines.push(`const ${p}q${i} = Math.floor((${cur} + 0.5) / ${lit(d)});`);
    lines.push(`const ${p}${i} = ${cur} - ${p}q${i} * ${d};`);
    coords[i] = `${p}${i}`;
    cur = `${p}q${i}`;
  }
  return { lines, coords };
}

/** `Σ coords[i]·strides[i]` (terms with a 0 coordinate or stride dropped). */
export function offset(coords: readonly string[], strides: readonly number[], base = ''): string {
  const terms = coords.flatMap((c, i) => (c === '0' || strides[i] === 0 ? [] : [strides[i] === 1 ? c : `${c} * ${strides[i]}`]));
  if (base) terms.unshift(base);
  return terms.length ? terms.join(' + ') : '0';
}

/** A kernel function source from its parameter names and body lines. */
export function kernelSource(params: readonly string[], body: readonly string[]): string {
  return `function(${params.join(', ')}) {\n  ${body.join('\n  ')}\n}`;
}

/**
 * The gather form of a strided window (conv input gradient, pooling gradient): `const q = t / s`
 * as generated code, exact because `(t + 0.5) / s` keeps floor() away from rounding error.
 */
export function stridedQuotient(t: string, s: number, q: string): string {
  return s === 1 ? `const ${q} = ${t};` : `const ${q} = Math.floor((${t} + 0.5) / ${lit(s)});`;
}

/** The condition (appended to an `if`) that `t` is a multiple of `s` with quotient `q`; empty for s = 1. */
export function exactMultiple(t: string, s: number, q: string): string {
  return s === 1 ? '' : ` && ${q} * ${s} == ${t}`;
}
