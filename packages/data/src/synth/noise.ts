/**
 * Seeded 2-D gradient (Perlin) noise and fractal sums of it, for textures and blob shapes.
 */
import type { Rng } from '@msflow/core';

const GRAD_X = [1, -1, 1, -1, 1, -1, 0, 0];
const GRAD_Y = [1, 1, -1, -1, 0, 0, 1, -1];

function fade(t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10);
}

/**
 * Improved Perlin noise with a permutation table drawn from a seeded generator.
 *
 * @example
 * ```ts
 * const p = new PerlinNoise(new Rng(1));
 * p.fbm(0.3, 1.7, 4); // ≈ in [-1, 1]
 * ```
 */
export class PerlinNoise {
  private readonly perm = new Uint8Array(512);

  constructor(rng: Rng) {
    const p = rng.permutation(256);
    for (let i = 0; i < 512; i++) this.perm[i] = p[i & 255];
  }

  /** Gradient noise at (x, y), roughly in [-1, 1], 0 at integer lattice points. */
  noise(x: number, y: number): number {
    const xf = Math.floor(x);
    const yf = Math.floor(y);
    const X = xf & 255;
    const Y = yf & 255;
    const dx = x - xf;
    const dy = y - yf;
    const p = this.perm;
    const g = (h: number, gx: number, gy: number): number => GRAD_X[h & 7] * gx + GRAD_Y[h & 7] * gy;
    const aa = p[p[X] + Y];
    const ab = p[p[X] + Y + 1];
    const ba = p[p[X + 1] + Y];
    const bb = p[p[X + 1] + Y + 1];
    const u = fade(dx);
    const v = fade(dy);
    const x1 = g(aa, dx, dy) + u * (g(ba, dx - 1, dy) - g(aa, dx, dy));
    const x2 = g(ab, dx, dy - 1) + u * (g(bb, dx - 1, dy - 1) - g(ab, dx, dy - 1));
    return (x1 + v * (x2 - x1)) * 0.7071;
  }

  /** Fractal Brownian motion: `octaves` layers of noise, each at `lacunarity`× the frequency and `gain`× the amplitude, normalised to about [-1, 1]. */
  fbm(x: number, y: number, octaves = 4, lacunarity = 2, gain = 0.5): number {
    let sum = 0;
    let amp = 1;
    let norm = 0;
    let fx = x;
    let fy = y;
    for (let o = 0; o < octaves; o++) {
      sum += amp * this.noise(fx, fy);
      norm += amp;
      amp *= gain;
      fx *= lacunarity;
      fy *= lacunarity;
    }
    return sum / norm;
  }
}
