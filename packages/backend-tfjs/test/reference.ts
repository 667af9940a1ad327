// Plain float64 loop implementations used as references by this package's own tests.

export type Shape4 = [number, number, number, number];
export type Pads = [number, number, number, number];

export function randn(n: number, seed = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return out;
}

export const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export function conv2dRef(
  x: ArrayLike<number>,
  [n, h, w, c]: Shape4,
  f: ArrayLike<number>,
  [kh, kw, ci, co]: Shape4,
  [sh, sw]: [number, number],
  [pt, pb, pl, pr]: Pads,
  groups: number,
  bias?: ArrayLike<number>,
): { y: Float64Array; shape: Shape4 } {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const cog = co / groups;
  const y = new Float64Array(n * oh * ow * co);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < co; o++) {
          const g = Math.floor(o / cog);
          let acc = bias ? bias[o] : 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const iy = oy * sh + i - pt;
              const ix = ox * sw + j - pl;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let k = 0; k < ci; k++) acc += x[((b * h + iy) * w + ix) * c + g * ci + k] * f[((i * kw + j) * ci + k) * co + o];
            }
          y[((b * oh + oy) * ow + ox) * co + o] = acc;
        }
  return { y, shape: [n, oh, ow, co] };
}

export function poolRef(
  x: ArrayLike<number>,
  [n, h, w, c]: Shape4,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  [pt, pb, pl, pr]: Pads,
  mode: 'avg-include' | 'avg-exclude' | 'max',
): { y: Float64Array; shape: Shape4 } {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let acc = mode === 'max' ? -Infinity : 0;
          let count = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const iy = oy * sh + i - pt;
              const ix = ox * sw + j - pl;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const v = x[((b * h + iy) * w + ix) * c + ch];
              acc = mode === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          y[((b * oh + oy) * ow + ox) * c + ch] = mode === 'max' ? acc : acc / (mode === 'avg-include' ? kh * kw : count);
        }
  return { y, shape: [n, oh, ow, c] };
}

/** PyTorch F.interpolate(mode='bilinear') on NHWC data, written per output pixel. */
export function resizeRef(x: ArrayLike<number>, [n, h, w, c]: Shape4, [oh, ow]: [number, number], alignCorners: boolean): Float64Array {
  const src = (o: number, inS: number, outS: number) => {
    if (alignCorners) return outS > 1 ? (o * (inS - 1)) / (outS - 1) : 0;
    const s = ((o + 0.5) * inS) / outS - 0.5;
    return s < 0 ? 0 : s;
  };
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++) {
      const sy = src(oy, h, oh);
      const y0 = Math.floor(sy);
      const y1 = y0 < h - 1 ? y0 + 1 : y0;
      const ly = sy - y0;
      for (let ox = 0; ox < ow; ox++) {
        const sx = src(ox, w, ow);
        const x0 = Math.floor(sx);
        const x1 = x0 < w - 1 ? x0 + 1 : x0;
        const lx = sx - x0;
        for (let ch = 0; ch < c; ch++) {
          const at = (yy: number, xx: number) => x[((b * h + yy) * w + xx) * c + ch];
          y[((b * oh + oy) * ow + ox) * c + ch] =
            (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
        }
      }
    }
  return y;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest |a-b| relative to (1 + |b|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return Number.isNaN(m) ? Infinity : m;
}

/** Input and filter gradients of {@link conv2dRef} for output gradient `dy`, by scattering. */
export function conv2dGradRef(
  x: ArrayLike<number>,
  [n, h, w, c]: Shape4,
  f: ArrayLike<number>,
  [kh, kw, ci, co]: Shape4,
  [sh, sw]: [number, number],
  [pt, pb, pl, pr]: Pads,
  groups: number,
  dy: ArrayLike<number>,
): { dx: Float64Array; df: Float64Array } {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const cog = co / groups;
  const dx = new Float64Array(n * h * w * c);
  const df = new Float64Array(kh * kw * ci * co);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < co; o++) {
          const g = Math.floor(o / cog);
          const d = dy[((b * oh + oy) * ow + ox) * co + o];
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const iy = oy * sh + i - pt;
              const ix = ox * sw + j - pl;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let k = 0; k < ci; k++) {
                const xi = ((b * h + iy) * w + ix) * c + g * ci + k;
                const fi = ((i * kw + j) * ci + k) * co + o;
                dx[xi] += d * f[fi];
                df[fi] += d * x[xi];
              }
            }
        }
  return { dx, df };
}

/** Gradient of the average pool for output gradient `dy`, by scattering. */
export function avgPoolGradRef(
  dy: ArrayLike<number>,
  [n, h, w, c]: Shape4,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  [pt, pb, pl, pr]: Pads,
  countIncludePad: boolean,
): Float64Array {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const cells: number[] = [];
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = oy * sh + i - pt;
            const ix = ox * sw + j - pl;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.push((b * h + iy) * w + ix);
          }
        const div = countIncludePad ? kh * kw : cells.length;
        for (let ch = 0; ch < c; ch++) for (const p of cells) dx[p * c + ch] += dy[((b * oh + oy) * ow + ox) * c + ch] / div;
      }
  return dx;
}
