/**
 * Normal appearance of a synthetic class: four texture families (woven fabric, wood grain,
 * fractal noise like leather/carpet, tiles with grout) and object-like scenes (a shaded object
 * on a plain background). A class style is drawn once per class; each image varies its phase,
 * position and noise.
 */
import type { Rng } from '@msflow/core';
import { Canvas, clamp01, hsv, mix, type Rgb } from './canvas.js';
import { PerlinNoise } from './noise.js';

/** Texture families. */
export type TextureFamily = 'woven' | 'grain' | 'noise' | 'tiles';
/** Texture families plus `object` (an object on a background). */
export type SceneFamily = TextureFamily | 'object';
/** All scene families. */
export const SCENE_FAMILIES: readonly SceneFamily[] = ['woven', 'grain', 'noise', 'tiles', 'object'];

/** Object outlines of the `object` family. */
export type ObjectShape = 'disc' | 'hexnut' | 'capsule' | 'rounded';

/** Class-level appearance parameters (shared by all images of a class). */
export interface ClassStyle {
  family: SceneFamily;
  width: number;
  height: number;
  /** Main and secondary colours. */
  base: Rgb;
  second: Rgb;
  /** Background (objects) or substrate (textures: what shows through a missing part). */
  background: Rgb;
  /** Characteristic texture period in pixels. */
  period: number;
  angle: number;
  shape: ObjectShape;
  /** Object radius in pixels. */
  radius: number;
}

/** A rendered normal image. */
export interface Scene {
  canvas: Canvas;
  /** For objects: 1 on the object (where anomalies are placed). */
  objectMask?: Uint8Array;
  /** Per-image background/substrate colour at each pixel (what a missing part reveals). */
  underlay: Canvas;
}

function randIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/**
 * Draws a class style: colours, scale and, for objects, the shape.
 *
 * @example
 * ```ts
 * const style = drawClassStyle('woven', 128, 128, new Rng(3));
 * ```
 */
export function drawClassStyle(family: SceneFamily, width: number, height: number, rng: Rng): ClassStyle {
  const size = Math.min(width, height);
  const hue = rng.uniform();
  const sat = randIn(rng, 0.25, 0.6);
  const val = randIn(rng, 0.45, 0.75);
  const base = hsv(hue, sat, val);
  const second = hsv((hue + randIn(rng, -0.06, 0.06) + 1) % 1, sat * randIn(rng, 0.6, 1.1), val * randIn(rng, 0.55, 0.8));
  const shapes: ObjectShape[] = ['disc', 'hexnut', 'capsule', 'rounded'];
  const style: ClassStyle = {
    family,
    width,
    height,
    base,
    second,
    background: hsv((hue + 0.5) % 1, randIn(rng, 0.05, 0.2), randIn(rng, 0.12, 0.3)),
    period: size * randIn(rng, 0.045, 0.075),
    angle: randIn(rng, -0.3, 0.3),
    shape: shapes[rng.int(shapes.length)],
    radius: size * randIn(rng, 0.3, 0.36),
  };
  if (family === 'grain') {
    style.base = hsv(randIn(rng, 0.05, 0.11), randIn(rng, 0.45, 0.7), randIn(rng, 0.55, 0.8));
    style.second = mix(style.base, [0.2, 0.1, 0.05], 0.55);
    style.period = size * randIn(rng, 0.05, 0.09);
  }
  if (family === 'object') style.background = hsv(hue, 0.05, randIn(rng, 0.08, 0.2));
  return style;
}

function drawWoven(c: Canvas, s: ClassStyle, rng: Rng, noise: PerlinNoise): void {
  const p = s.period;
  const a = s.angle * 0.2 + randIn(rng, -0.03, 0.03);
  const ca = Math.cos(a);
  const sa = Math.sin(a);
  const ox = rng.uniform() * 2 * p;
  const oy = rng.uniform() * 2 * p;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const xr = (x * ca + y * sa + ox) / p;
      const yr = (-x * sa + y * ca + oy) / p;
      const i = Math.floor(xr);
      const j = Math.floor(yr);
      const fu = xr - i;
      const fv = yr - j;
      const warpTop = ((i + j) & 1) === 0;
      const prof = Math.sqrt(Math.sin(Math.PI * (warpTop ? fu : fv)));
      const along = 0.5 + 0.5 * Math.cos(Math.PI * 2 * (warpTop ? fv : fu));
      const fibre = noise.noise(x * 0.9, y * 0.9) * 0.06;
      const v = clamp01(0.3 + 0.6 * prof + 0.1 * along * prof + fibre);
      const col = mix(s.second, s.base, v);
      const shade = 1 + 0.05 * noise.fbm(x / (4 * p), y / (4 * p), 2);
      c.set(y * c.width + x, col[0] * shade, col[1] * shade, col[2] * shade);
    }
  }
}

function drawGrain(c: Canvas, s: ClassStyle, rng: Rng, noise: PerlinNoise): void {
  const p = s.period;
  const a = s.angle + randIn(rng, -0.05, 0.05);
  const ca = Math.cos(a);
  const sa = Math.sin(a);
  const off = rng.uniform() * 100;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const xr = x * ca + y * sa;
      const yr = -x * sa + y * ca + off * p;
      const t = yr / p + 1.3 * noise.fbm(xr / (7 * p), yr / (2.5 * p), 3);
      const rings = Math.pow(0.5 + 0.5 * Math.sin(2 * Math.PI * t), 2.5);
      const fine = 0.5 + 0.5 * noise.fbm(xr / 1.5, yr / 9 + 37, 2);
      const col = mix(s.base, s.second, clamp01(0.65 * rings + 0.35 * fine));
      c.set(y * c.width + x, col[0], col[1], col[2]);
    }
  }
}

function drawNoise(c: Canvas, s: ClassStyle, rng: Rng, noise: PerlinNoise): void {
  const p = s.period * 1.5;
  const ox = rng.uniform() * 1000;
  const oy = rng.uniform() * 1000;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const big = noise.fbm((x + ox) / p, (y + oy) / p, 5);
      const fine = noise.noise((x + ox) / 1.3, (y + oy) / 1.3);
      const v = clamp01(0.5 + 0.55 * big + 0.12 * fine);
      const col = mix(s.second, s.base, v);
      c.set(y * c.width + x, col[0], col[1], col[2]);
    }
  }
}

function hash2(i: number, j: number, seed: number): number {
  let h = Math.imul(i, 0x27d4eb2d) ^ Math.imul(j, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

function drawTiles(c: Canvas, s: ClassStyle, rng: Rng, noise: PerlinNoise): void {
  const T = s.period * 3.2;
  const g = Math.max(1.2, T * 0.08);
  const ox = rng.uniform() * T;
  const oy = rng.uniform() * T;
  const seed = rng.nextUint32();
  const grout = mix(s.second, [0.15, 0.15, 0.15], 0.5);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const u = (x + ox) / T;
      const v = (y + oy) / T;
      const i = Math.floor(u);
      const j = Math.floor(v);
      const lu = (u - i) * T;
      const lv = (v - j) * T;
      const edge = Math.min(lu, lv, T - lu, T - lv);
      const speck = noise.fbm(x / 2.2, y / 2.2, 2) * 0.08;
      let col: [number, number, number];
      if (edge < g) {
        col = [grout[0] + speck, grout[1] + speck, grout[2] + speck];
      } else {
        const tint = (hash2(i, j, seed) - 0.5) * 0.08;
        const bevel = edge < g + 1.5 ? 0.06 : 0;
        col = [s.base[0] + tint + speck + bevel, s.base[1] + tint + speck + bevel, s.base[2] + tint + speck + bevel];
      }
      c.set(y * c.width + x, col[0], col[1], col[2]);
    }
  }
}

/** Signed distance (positive inside) of the object outline, in pixels, in object coordinates. */
function objectSdf(shape: ObjectShape, R: number, x: number, y: number): number {
  switch (shape) {
    case 'disc':
      return R - Math.hypot(x, y);
    case 'hexnut': {
      const ax = Math.abs(x);
      const ay = Math.abs(y);
      const k = Math.max(ay, ax * 0.8660254 + ay * 0.5);
      return R * 0.8660254 - k;
    }
    case 'capsule': {
      const L = R * 0.55;
      const r = R * 0.5;
      const cx = Math.max(-L, Math.min(L, x));
      return r - Math.hypot(x - cx, y);
    }
    default: {
      const h = R * 0.78;
      const rr = R * 0.2;
      const qx = Math.abs(x) - (h - rr);
      const qy = Math.abs(y) - (h - rr);
      const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
      return rr - outside;
    }
  }
}

function drawObject(c: Canvas, s: ClassStyle, rng: Rng, noise: PerlinNoise, underlay: Canvas): Uint8Array {
  const size = Math.min(c.width, c.height);
  const cx = c.width / 2 + randIn(rng, -0.02, 0.02) * size;
  const cy = c.height / 2 + randIn(rng, -0.02, 0.02) * size;
  const rot = s.angle + randIn(rng, -0.08, 0.08);
  const ca = Math.cos(rot);
  const sa = Math.sin(rot);
  const R = s.radius * randIn(rng, 0.98, 1.02);
  const mask = new Uint8Array(c.width * c.height);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const ox = dx * ca + dy * sa;
      const oy = -dx * sa + dy * ca;
      let d = objectSdf(s.shape, R, ox, oy);
      if (s.shape === 'hexnut') d = Math.min(d, Math.hypot(ox, oy) - R * 0.32);
      const cov = clamp01(d + 0.5);
      const i = y * c.width + x;
      const bgN = 0.03 * noise.fbm(x / (size * 0.2), y / (size * 0.2), 2);
      const vign = 1 - 0.25 * ((dx * dx + dy * dy) / (size * size));
      const bg: Rgb = [s.background[0] * vign + bgN, s.background[1] * vign + bgN, s.background[2] * vign + bgN];
      underlay.set(i, bg[0], bg[1], bg[2]);
      if (cov <= 0) {
        c.set(i, bg[0], bg[1], bg[2]);
        continue;
      }
      const r = Math.hypot(ox, oy) / R;
      const light = 0.7 + 0.35 * clamp01(1 - r * r) + 0.25 * Math.exp(-((ox + 0.35 * R) ** 2 + (oy + 0.35 * R) ** 2) / (0.08 * R * R));
      let col = mix(s.base, s.second, clamp01(0.5 + 0.5 * noise.fbm(ox / (R * 0.3), oy / (R * 0.3), 3)) * 0.35);
      if (s.shape === 'disc' && Math.abs(r - 0.55) < 0.05) col = mix(col, s.second, 0.6);
      if (s.shape === 'capsule' && ox > 0) col = mix(col, s.second, 0.5);
      const fine = 0.02 * noise.noise(x * 0.8, y * 0.8);
      const fg: Rgb = [col[0] * light + fine, col[1] * light + fine, col[2] * light + fine];
      const m = mix(bg, fg, cov);
      c.set(i, m[0], m[1], m[2]);
      if (cov >= 0.5) mask[i] = 1;
    }
  }
  return mask;
}

/**
 * Renders one normal image of a class. The per-image `rng` decides phase, offsets and noise.
 *
 * @example
 * ```ts
 * const scene = renderScene(style, new Rng(42));
 * const rgb = scene.canvas.toRgb8();
 * ```
 */
export function renderScene(style: ClassStyle, rng: Rng): Scene {
  const canvas = new Canvas(style.width, style.height);
  const underlay = new Canvas(style.width, style.height);
  const noise = new PerlinNoise(rng);
  let objectMask: Uint8Array | undefined;
  switch (style.family) {
    case 'woven':
      drawWoven(canvas, style, rng, noise);
      break;
    case 'grain':
      drawGrain(canvas, style, rng, noise);
      break;
    case 'noise':
      drawNoise(canvas, style, rng, noise);
      break;
    case 'tiles':
      drawTiles(canvas, style, rng, noise);
      break;
    case 'object':
      objectMask = drawObject(canvas, style, rng, noise, underlay);
      break;
  }
  if (objectMask) return { canvas, objectMask, underlay };
  const size = Math.min(style.width, style.height);
  const under = mix(style.second, [0.05, 0.05, 0.05], 0.6);
  for (let y = 0; y < style.height; y++) {
    for (let x = 0; x < style.width; x++) {
      const n = 0.04 * noise.fbm(x / (size * 0.1) + 50, y / (size * 0.1) + 50, 2);
      underlay.set(y * style.width + x, under[0] + n, under[1] + n, under[2] + n);
    }
  }
  return { canvas, underlay };
}
