/**
 * Small image-plane helpers of the kNN baseline, on row-major float32 planes: bilinear resizing
 * (half-pixel centres, PyTorch's `align_corners=False`, what PatchCore upsamples with) and a
 * separable Gaussian blur (SciPy's `gaussian_filter` defaults: truncate 4σ, mirror `reflect`
 * edges), plus the local mean over a window that PatchCore applies to patch features.
 */
import { gaussianKernel, scipyReflect } from '@msflow/core';

/** Source coordinate and weights of each destination index, align_corners=False, edge-clamped. */
function axis(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const w = new Float32Array(dst);
  const scale = src / dst;
  for (let o = 0; o < dst; o++) {
    const x = Math.max(0, (o + 0.5) * scale - 0.5);
    const f = Math.min(Math.floor(x), src - 1);
    i0[o] = f;
    i1[o] = Math.min(f + 1, src - 1);
    w[o] = x - f;
  }
  return { i0, i1, w };
}

/**
 * Bilinear resize of an [h, w, c] array (c = 1 for a plane) to [H, W, c].
 *
 * @example
 * ```ts
 * resizeBilinear(new Float32Array([0, 1]), 1, 2, 1, 1, 4); // [0, 0.25, 0.75, 1]
 * ```
 */
export function resizeBilinear(x: Float32Array, h: number, w: number, c: number, H: number, W: number): Float32Array {
  if (h === H && w === W) return x;
  const ys = axis(h, H);
  const xs = axis(w, W);
  const out = new Float32Array(H * W * c);
  for (let oy = 0; oy < H; oy++) {
    const r0 = ys.i0[oy] * w;
    const r1 = ys.i1[oy] * w;
    const wy = ys.w[oy];
    for (let ox = 0; ox < W; ox++) {
      const c0 = xs.i0[ox];
      const c1 = xs.i1[ox];
      const wx = xs.w[ox];
      const o = (oy * W + ox) * c;
      const a = (r0 + c0) * c;
      const b = (r0 + c1) * c;
      const d = (r1 + c0) * c;
      const e = (r1 + c1) * c;
      for (let k = 0; k < c; k++) {
        const top = x[a + k] + (x[b + k] - x[a + k]) * wx;
        const bottom = x[d + k] + (x[e + k] - x[d + k]) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}

/**
 * Mean over a `window`×`window` neighbourhood of each position of an [h, w, c] array (stride 1,
 * the window clipped at the borders and the mean taken over the positions inside, so edges are
 * not darkened by padding). `window` 1 returns the input.
 *
 * @example
 * ```ts
 * localMean(new Float32Array([0, 3, 6]), 1, 3, 1, 3); // [1.5, 3, 4.5]
 * ```
 */
export function localMean(x: Float32Array, h: number, w: number, c: number, window: number): Float32Array {
  if (window <= 1) return x;
  const r = Math.floor(window / 2);
  // Separable: a box sum along x, then along y, with per-position counts.
  const tmp = new Float32Array(x.length);
  for (let y = 0; y < h; y++) {
    for (let xo = 0; xo < w; xo++) {
      const lo = Math.max(0, xo - r);
      const hi = Math.min(w - 1, xo + r);
      const o = (y * w + xo) * c;
      for (let xi = lo; xi <= hi; xi++) {
        const s = (y * w + xi) * c;
        for (let k = 0; k < c; k++) tmp[o + k] += x[s + k];
      }
      const inv = 1 / (hi - lo + 1);
      for (let k = 0; k < c; k++) tmp[o + k] *= inv;
    }
  }
  const out = new Float32Array(x.length);
  for (let y = 0; y < h; y++) {
    const lo = Math.max(0, y - r);
    const hi = Math.min(h - 1, y + r);
    const inv = 1 / (hi - lo + 1);
    for (let xo = 0; xo < w; xo++) {
      const o = (y * w + xo) * c;
      for (let yi = lo; yi <= hi; yi++) {
        const s = (yi * w + xo) * c;
        for (let k = 0; k < c; k++) out[o + k] += tmp[s + k];
      }
      for (let k = 0; k < c; k++) out[o + k] *= inv;
    }
  }
  return out;
}

/**
 * Separable Gaussian blur of an [h, w] plane, as `scipy.ndimage.gaussian_filter(x, sigma)`
 * (PatchCore smooths its anomaly maps with σ = 4). σ ≤ 0 returns the input.
 *
 * @example
 * ```ts
 * const smooth = gaussianBlur(map, 256, 256, 4);
 * ```
 */
export function gaussianBlur(x: Float32Array, h: number, w: number, sigma: number, truncate = 4): Float32Array {
  if (!(sigma > 0)) return x;
  const k = gaussianKernel(sigma, truncate);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let xo = 0; xo < w; xo++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r] * x[row + scipyReflect(xo + t, w)];
      tmp[row + xo] = s;
    }
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let xo = 0; xo < w; xo++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r] * tmp[scipyReflect(y + t, h) * w + xo];
      out[y * w + xo] = s;
    }
  }
  return out;
}
