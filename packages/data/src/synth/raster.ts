/**
 * Anti-aliased coverage maps (values in [0, 1], one per pixel) of strokes, ellipses and noisy
 * blobs; the anomaly painters build on them.
 */
import type { PerlinNoise } from './noise.js';

/** A point in pixel coordinates (pixel centres at +0.5). */
export type Point = readonly [number, number];

function cov(d: number): number {
  return d <= -0.5 ? 0 : d >= 0.5 ? 1 : d + 0.5;
}

/** Coverage of a polyline stroke of full `width` pixels, max-combined into `out`. */
export function strokeCoverage(width: number, height: number, points: readonly Point[], strokeWidth: number, out: Float32Array = new Float32Array(width * height)): Float32Array {
  const hw = strokeWidth / 2;
  for (let s = 0; s + 1 < points.length; s++) {
    const [ax, ay] = points[s];
    const [bx, by] = points[s + 1];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - hw - 1));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + hw + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - hw - 1));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + hw + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1e-12;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        let t = (px * dx + py * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx;
        const ey = py - t * dy;
        const c = cov(hw - Math.sqrt(ex * ex + ey * ey));
        const i = y * width + x;
        if (c > out[i]) out[i] = c;
      }
    }
  }
  return out;
}

/** Parameters of {@link blobCoverage}. */
export interface BlobShape {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** Rotation in radians. */
  angle: number;
  /** Relative radius variation along the outline (0 = ellipse). */
  irregularity: number;
  /** Noise used for the outline, and an offset into it. */
  noise?: PerlinNoise;
  offset?: number;
}

/** Coverage of an ellipse whose radius is modulated by noise along the outline. */
export function blobCoverage(width: number, height: number, b: BlobShape, out: Float32Array = new Float32Array(width * height)): Float32Array {
  const rmax = Math.max(b.rx, b.ry) * (1 + Math.abs(b.irregularity)) + 2;
  const x0 = Math.max(0, Math.floor(b.cx - rmax));
  const x1 = Math.min(width - 1, Math.ceil(b.cx + rmax));
  const y0 = Math.max(0, Math.floor(b.cy - rmax));
  const y1 = Math.min(height - 1, Math.ceil(b.cy + rmax));
  const ca = Math.cos(b.angle);
  const sa = Math.sin(b.angle);
  const rEff = Math.min(b.rx, b.ry);
  const off = b.offset ?? 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - b.cx;
      const dy = y + 0.5 - b.cy;
      const u = (dx * ca + dy * sa) / b.rx;
      const v = (-dx * sa + dy * ca) / b.ry;
      const rho = Math.sqrt(u * u + v * v);
      let R = 1;
      if (b.noise && b.irregularity !== 0 && rho > 0) {
        const th = Math.atan2(v, u);
        R = 1 + b.irregularity * b.noise.fbm(Math.cos(th) * 1.5 + off, Math.sin(th) * 1.5 + off, 3);
      }
      const c = cov((R - rho) * rEff);
      const i = y * width + x;
      if (c > out[i]) out[i] = c;
    }
  }
  return out;
}

/** A smooth random curve through `n` points (quadratic Bézier from a start, control and end point). */
export function bezier(a: Point, c: Point, b: Point, n: number): Point[] {
  const pts: Point[] = [];
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    const u = 1 - t;
    pts.push([u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]]);
  }
  return pts;
}
