/**
 * Lanczos-3 resampling that reproduces Pillow's `Image.resize(size, Image.LANCZOS)` (Pillow's
 * `Resample.c`): a separable filter whose support is widened by the downscale factor, each
 * output pixel's weights normalised to sum 1, a horizontal pass then a vertical pass.
 *
 * 8-bit images follow Pillow's 8-bit path bit for bit: weights converted to 22-bit fixed point,
 * the intermediate image rounded and clipped to 8 bits. Float images follow Pillow's `F` mode:
 * double weights, a float32 intermediate.
 */

/** Pillow's Lanczos support (a = 3). */
const SUPPORT = 3;
/** Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2. */
const PRECISION_BITS = 22;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/**
 * Pillow's Lanczos kernel: sinc(x)·sinc(x/3) on [-3, 3), 0 elsewhere.
 *
 * @example
 * ```ts
 * lanczos3(0); // 1
 * ```
 */
export function lanczos3(x: number): number {
  if (-SUPPORT <= x && x < SUPPORT) return sinc(x) * sinc(x / SUPPORT);
  return 0;
}

/**
 * Resampling weights along one axis, as Pillow's `precompute_coeffs` builds them.
 * For output index `i`, the inputs `bounds[2i] .. bounds[2i] + bounds[2i+1] - 1` are combined
 * with weights `weights[i*taps .. i*taps + bounds[2i+1] - 1]`.
 */
export interface AxisCoefficients {
  /** Maximum number of input samples per output sample. */
  taps: number;
  /** Pairs (first input index, count) per output index. */
  bounds: Int32Array;
  /** Normalised weights, `taps` per output index (unused tail entries are 0). */
  weights: Float64Array;
}

/**
 * Computes Pillow's Lanczos weights for resizing an axis of `inSize` samples to `outSize`.
 *
 * @example
 * ```ts
 * const c = lanczosCoefficients(400, 256);
 * c.taps; // 2 * ceil(3 * 400 / 256) + 1 = 11
 * ```
 */
export function lanczosCoefficients(inSize: number, outSize: number): AxisCoefficients {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = SUPPORT * filterscale;
  const taps = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * taps);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C `(int)` truncates toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    const base = xx * taps;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos3((x + xmin - center + 0.5) * ss);
      weights[base + x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) weights[base + x] /= ww;
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { taps, bounds, weights };
}

/** Pillow's `normalize_coeffs_8bpc`: weights to 22-bit fixed point, rounded half away from zero. */
function fixedPoint(weights: Float64Array): Int32Array {
  const out = new Int32Array(weights.length);
  const one = 1 << PRECISION_BITS;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    out[i] = w < 0 ? Math.trunc(-0.5 + w * one) : Math.trunc(0.5 + w * one);
  }
  return out;
}

function clip8(v: number): number {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

function checkArgs(len: number, w: number, h: number, c: number, ow: number, oh: number): void {
  if (!(w > 0 && h > 0 && c > 0 && ow > 0 && oh > 0) || ![w, h, c, ow, oh].every(Number.isInteger)) {
    throw new Error(`resize: invalid sizes ${w}x${h}x${c} -> ${ow}x${oh}`);
  }
  if (len !== w * h * c) throw new Error(`resize: data has ${len} samples, expected ${w}x${h}x${c}`);
}

/**
 * The input rows the vertical pass reads (Pillow's `ybox_first .. ybox_last`), so the horizontal
 * pass filters only those: the first row, how many, and the vertical bounds made relative to the
 * first row. Without a vertical pass every row is kept and the bounds are unused.
 */
function rowWindow(cv: AxisCoefficients, outHeight: number, height: number, needV: boolean): { yFirst: number; rows: number; vBounds: Int32Array } {
  const vBounds = cv.bounds.slice();
  if (!needV) return { yFirst: 0, rows: height, vBounds };
  const yFirst = vBounds[0];
  const yLast = vBounds[outHeight * 2 - 2] + vBounds[outHeight * 2 - 1];
  for (let i = 0; i < outHeight; i++) vBounds[i * 2] -= yFirst;
  return { yFirst, rows: yLast - yFirst, vBounds };
}

/**
 * Resizes an interleaved 8-bit image with Lanczos-3, bit-identical to Pillow's
 * `img.resize((outWidth, outHeight), Image.LANCZOS)` for `L` and `RGB` images (each channel is
 * filtered independently, so any channel count works). Aspect ratio is not kept.
 *
 * @example
 * ```ts
 * const small = resizeLanczosU8(rgb, 400, 300, 3, 256, 256); // Uint8Array(256*256*3)
 * ```
 */
export function resizeLanczosU8(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  checkArgs(src.length, width, height, channels, outWidth, outHeight);
  const needH = outWidth !== width;
  const needV = outHeight !== height;
  if (!needH && !needV) return src.slice();
  const ch = lanczosCoefficients(width, outWidth);
  const cv = lanczosCoefficients(height, outHeight);
  const half = 1 << (PRECISION_BITS - 1);
  const C = channels;

  let img = src;
  let imgW = width;
  const { yFirst, rows, vBounds } = rowWindow(cv, outHeight, height, needV);
  if (needH) {
    const k = fixedPoint(ch.weights);
    const tmp = new Uint8Array(outWidth * rows * C);
    const acc = new Float64Array(C);
    for (let y = 0; y < rows; y++) {
      const rowIn = (y + yFirst) * width * C;
      const rowOut = y * outWidth * C;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = ch.bounds[xx * 2];
        const count = ch.bounds[xx * 2 + 1];
        const kb = xx * ch.taps;
        acc.fill(half);
        for (let x = 0; x < count; x++) {
          const w = k[kb + x];
          const p = rowIn + (x + xmin) * C;
          for (let c = 0; c < C; c++) acc[c] += src[p + c] * w;
        }
        for (let c = 0; c < C; c++) tmp[rowOut + xx * C + c] = clip8(acc[c]);
      }
    }
    img = tmp;
    imgW = outWidth;
  }
  if (!needV) return img;
  const k = fixedPoint(cv.weights);
  const out = new Uint8Array(imgW * outHeight * C);
  const rowLen = imgW * C;
  const acc = new Float64Array(rowLen);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = vBounds[yy * 2];
    const count = vBounds[yy * 2 + 1];
    const kb = yy * cv.taps;
    acc.fill(half);
    for (let y = 0; y < count; y++) {
      const w = k[kb + y];
      const r = (y + ymin) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += img[r + i] * w;
    }
    const o = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = clip8(acc[i]);
  }
  return out;
}

/**
 * Resizes an interleaved float image with Lanczos-3 as Pillow does for mode `F` images (double
 * weights, float32 intermediate, no clipping). Used for 16-bit sources.
 *
 * @example
 * ```ts
 * const out = resizeLanczosF32(values, 300, 200, 1, 128, 128); // Float32Array(128*128)
 * ```
 */
export function resizeLanczosF32(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  checkArgs(src.length, width, height, channels, outWidth, outHeight);
  const needH = outWidth !== width;
  const needV = outHeight !== height;
  if (!needH && !needV) return src.slice();
  const ch = lanczosCoefficients(width, outWidth);
  const cv = lanczosCoefficients(height, outHeight);
  const C = channels;
  let img = src;
  let imgW = width;
  const { yFirst, rows, vBounds } = rowWindow(cv, outHeight, height, needV);
  if (needH) {
    const tmp = new Float32Array(outWidth * rows * C);
    for (let y = 0; y < rows; y++) {
      const rowIn = (y + yFirst) * width * C;
      const rowOut = y * outWidth * C;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = ch.bounds[xx * 2];
        const count = ch.bounds[xx * 2 + 1];
        const kb = xx * ch.taps;
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let x = 0; x < count; x++) s += src[rowIn + (x + xmin) * C + c] * ch.weights[kb + x];
          tmp[rowOut + xx * C + c] = s;
        }
      }
    }
    img = tmp;
    imgW = outWidth;
  }
  if (!needV) return img;
  const out = new Float32Array(imgW * outHeight * C);
  const rowLen = imgW * C;
  const acc = new Float64Array(rowLen);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = vBounds[yy * 2];
    const count = vBounds[yy * 2 + 1];
    const kb = yy * cv.taps;
    acc.fill(0);
    for (let y = 0; y < count; y++) {
      const w = cv.weights[kb + y];
      const r = (y + ymin) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += img[r + i] * w;
    }
    out.set(acc, yy * rowLen);
  }
  return out;
}
