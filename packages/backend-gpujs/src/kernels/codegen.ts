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
 * The thread's flat output index `i` split into named coordinates over `dims` (a name per
 * dimension), as statements.
 *
 * @example
 * ```ts
 * threadCoords([2, 4, 4, 3], ['b', 'oy', 'ox', 'ch']); // ['const i = this.thread.x;', ..., 'const ch = ...;']
 * ```
 */
export function threadCoords(dims: readonly number[], names: readonly string[]): string[] {
  const u = unravel('i', dims, 'u');
  return ['const i = this.thread.x;', ...u.lines, ...names.map((n, k) => `const ${n} = ${u.coords[k]};`)];
}

/** A strided 2-D window (convolution or pooling) as the generated loops need it. */
export interface Window2D {
  /** Input rows and columns. */
  readonly h: number;
  readonly w: number;
  /** Output rows and columns. */
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  /** Zero padding before the rows and before the columns. */
  readonly pt: number;
  readonly pl: number;
}

const indent = (lines: readonly string[], n: number): string[] => lines.map((l) => ' '.repeat(n) + l);
const CLOSE_LOOPS = ['      }', '    }', '  }', '}'];

/**
 * Loops over the taps (ky, kx) of output cell (oy, ox) whose input cell (iy, ix) lies inside the
 * image (padding contributes nothing); `body` runs once per such tap.
 */
export function windowTaps(g: Window2D, body: readonly string[]): string[] {
  return [
    `for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `  const iy = oy * ${g.sh} - ${g.pt} + ky;`,
    `  if (iy >= 0 && iy < ${g.h}) {`,
    `    for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `      const ix = ox * ${g.sw} - ${g.pl} + kx;`,
    `      if (ix >= 0 && ix < ${g.w}) {`,
    ...indent(body, 8),
    ...CLOSE_LOOPS,
  ];
}

/**
 * The adjoint's gather form: loops over the output cells (oy, ox) whose window reaches input
 * cell (iy, ix) through tap (ky, kx), oy·sh = iy + pt - ky; `body` runs once per such pair.
 * The quotient is `floor((t + 0.5) / s)`, exact where float32 rounding could put floor() one off.
 */
export function windowOutputs(g: Window2D, body: readonly string[]): string[] {
  const quotient = (t: string, s: number, q: string) => (s === 1 ? `const ${q} = ${t};` : `const ${q} = Math.floor((${t} + 0.5) / ${lit(s)});`);
  const multiple = (t: string, s: number, q: string) => (s === 1 ? '' : ` && ${q} * ${s} == ${t}`);
  return [
    `for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `  const ty = iy + ${g.pt} - ky;`,
    `  ${quotient('ty', g.sh, 'oy')}`,
    `  if (ty >= 0 && oy < ${g.oh}${multiple('ty', g.sh, 'oy')}) {`,
    `    for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `      const tx = ix + ${g.pl} - kx;`,
    `      ${quotient('tx', g.sw, 'ox')}`,
    `      if (tx >= 0 && ox < ${g.ow}${multiple('tx', g.sw, 'ox')}) {`,
    ...indent(body, 8),
    ...CLOSE_LOOPS,
  ];
}
