/**
 * A float RGB canvas (values in [0, 1]) the synthetic scenes and anomalies are painted on.
 */

/** An RGB colour with components in [0, 1]. */
export type Rgb = readonly [number, number, number];

/**
 * A `height × width` RGB float image.
 *
 * @example
 * ```ts
 * const c = new Canvas(64, 64);
 * c.fill([0.5, 0.5, 0.5]);
 * const bytes = c.toRgb8();
 * ```
 */
export class Canvas {
  readonly data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    data?: Float32Array,
  ) {
    this.data = data ?? new Float32Array(width * height * 3);
  }

  fill(c: Rgb): void {
    for (let i = 0; i < this.width * this.height; i++) this.set(i, c[0], c[1], c[2]);
  }

  /** Sets pixel `i` (row-major index). */
  set(i: number, r: number, g: number, b: number): void {
    this.data[i * 3] = r;
    this.data[i * 3 + 1] = g;
    this.data[i * 3 + 2] = b;
  }

  clone(): Canvas {
    return new Canvas(this.width, this.height, this.data.slice());
  }

  /** 8-bit RGB, rounded and clamped. */
  toRgb8(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    for (let i = 0; i < out.length; i++) {
      const v = Math.round(this.data[i] * 255);
      out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    return out;
  }
}

/** Linear interpolation between two colours. */
export function mix(a: Rgb, b: Rgb, t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** HSV (h in [0, 1)) to RGB. */
export function hsv(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** Clamp to [0, 1]. */
export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
