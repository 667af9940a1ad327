/**
 * Anomaly painters: each paints one defect onto a rendered scene and returns its exact mask
 * (the pixels it changed: coverage ≥ 0.5; pixels below that are left untouched).
 */
import type { Rng } from '@msflow/core';
import { clamp01, hsv, type Rgb } from './canvas.js';
import { PerlinNoise } from './noise.js';
import { bezier, blobCoverage, strokeCoverage, type Point } from './raster.js';
import type { ClassStyle, Scene } from './scenes.js';

/** Defect kinds. */
export type AnomalyKind = 'scratch' | 'crack' | 'hole' | 'stain' | 'color' | 'missing' | 'blob';
/** All defect kinds, in folder (sorted) order. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['blob', 'color', 'crack', 'hole', 'missing', 'scratch', 'stain'];
/** Defect size classes: characteristic radius ≈ 4 %, 8.5 % and 14.5 % of the image side. */
export type AnomalySize = 'small' | 'medium' | 'large';
/** All size classes. */
export const ANOMALY_SIZES: readonly AnomalySize[] = ['small', 'medium', 'large'];

const RADIUS: Record<AnomalySize, [number, number]> = { small: [0.035, 0.05], medium: [0.07, 0.1], large: [0.12, 0.17] };

function randIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

interface Layer {
  coverage: Float32Array;
  /** Target colour per pixel (H·W·3), blended in with `opacity × coverage`. */
  target: (i: number, orig: Rgb) => Rgb;
  opacity: number;
}

interface Ctx {
  scene: Scene;
  style: ClassStyle;
  rng: Rng;
  r: number;
  cx: number;
  cy: number;
  W: number;
  H: number;
  S: number;
}

function pickCenter(scene: Scene, rng: Rng, W: number, H: number, margin: number): [number, number] {
  const m = Math.min(margin, Math.min(W, H) / 3);
  for (let t = 0; t < 200; t++) {
    const x = randIn(rng, m, W - m);
    const y = randIn(rng, m, H - m);
    if (!scene.objectMask || scene.objectMask[Math.floor(y) * W + Math.floor(x)]) return [x, y];
  }
  return [W / 2, H / 2];
}

function pickBoundary(scene: Scene, rng: Rng, W: number, H: number): [number, number] {
  const m = scene.objectMask!;
  const edge: number[] = [];
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (m[i] && (!m[i - 1] || !m[i + 1] || !m[i - W] || !m[i + W])) edge.push(i);
    }
  }
  if (edge.length === 0) return [W / 2, H / 2];
  const i = edge[rng.int(edge.length)];
  return [(i % W) + 0.5, Math.floor(i / W) + 0.5];
}

function strokeWidth(ctx: Ctx, lo: number, hi: number): number {
  return Math.max(1.2, (ctx.S / 128) * randIn(ctx.rng, lo, hi));
}

function scratch(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H } = ctx;
  const L = r * randIn(rng, 2.5, 4);
  const a = rng.uniform() * Math.PI;
  const dx = (Math.cos(a) * L) / 2;
  const dy = (Math.sin(a) * L) / 2;
  const bend = randIn(rng, -0.35, 0.35) * L;
  const ctrl: Point = [cx - Math.sin(a) * bend, cy + Math.cos(a) * bend];
  const pts = bezier([cx - dx, cy - dy], ctrl, [cx + dx, cy + dy], 24);
  const coverage = strokeCoverage(W, H, pts, strokeWidth(ctx, 1, 2.2));
  const delta = rng.uniform() < 0.5 ? randIn(rng, 0.3, 0.45) : -randIn(rng, 0.3, 0.45);
  return { coverage, opacity: 0.95, target: (_i, o) => [clamp01(o[0] + delta), clamp01(o[1] + delta), clamp01(o[2] + delta)] };
}

function crack(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H } = ctx;
  const total = r * randIn(rng, 2.5, 4);
  const seg = Math.max(1.5, r / 3);
  const walk = (x: number, y: number, a: number, len: number): Point[] => {
    const pts: Point[] = [[x, y]];
    for (let d = 0; d < len; d += seg) {
      a += randIn(rng, -0.7, 0.7);
      x += Math.cos(a) * seg;
      y += Math.sin(a) * seg;
      pts.push([x, y]);
    }
    return pts;
  };
  const a0 = rng.uniform() * 2 * Math.PI;
  const w = strokeWidth(ctx, 1, 1.8);
  const main = walk(cx, cy, a0, total / 2);
  const other = walk(cx, cy, a0 + Math.PI, total / 2);
  const coverage = strokeCoverage(W, H, main, w);
  strokeCoverage(W, H, other, w, coverage);
  if (rng.uniform() < 0.6) {
    const from = main[Math.floor(main.length / 2)];
    strokeCoverage(W, H, walk(from[0], from[1], a0 + randIn(rng, 0.6, 1.2), total / 4), w * 0.8, coverage);
  }
  const k = randIn(rng, 0.15, 0.3);
  return { coverage, opacity: 1, target: (_i, o) => [o[0] * k, o[1] * k, o[2] * k] };
}

function hole(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H, scene } = ctx;
  const noise = new PerlinNoise(rng);
  const rx = r * randIn(rng, 0.7, 1.1);
  const ry = rx * randIn(rng, 0.6, 1);
  const shape = { cx, cy, rx, ry, angle: rng.uniform() * Math.PI, irregularity: 0.12, noise, offset: rng.uniform() * 50 };
  const coverage = blobCoverage(W, H, shape);
  const inner = blobCoverage(W, H, { ...shape, rx: rx * 0.78, ry: ry * 0.78 });
  const u = scene.underlay.data;
  return {
    coverage,
    opacity: 1,
    target: (i, o) => {
      if (inner[i] >= 0.5) return [u[i * 3] * 0.35 + 0.01, u[i * 3 + 1] * 0.35 + 0.01, u[i * 3 + 2] * 0.35 + 0.01];
      return [clamp01(o[0] * 1.25 + 0.08), clamp01(o[1] * 1.25 + 0.08), clamp01(o[2] * 1.25 + 0.08)];
    },
  };
}

function stain(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H } = ctx;
  const noise = new PerlinNoise(rng);
  const rx = r * randIn(rng, 0.8, 1.4);
  const coverage = blobCoverage(W, H, { cx, cy, rx, ry: rx * randIn(rng, 0.6, 1), angle: rng.uniform() * Math.PI, irregularity: 0.35, noise, offset: rng.uniform() * 50 });
  const tints: Rgb[] = [
    [0.72, 0.55, 0.32],
    [0.5, 0.5, 0.58],
    [1.35, 1.25, 1.0],
    [0.45, 0.62, 0.45],
  ];
  const t = tints[rng.int(tints.length)];
  return { coverage, opacity: randIn(rng, 0.75, 0.9), target: (_i, o) => [clamp01(o[0] * t[0]), clamp01(o[1] * t[1]), clamp01(o[2] * t[2])] };
}

function colour(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H } = ctx;
  const noise = new PerlinNoise(rng);
  const rx = r * randIn(rng, 0.9, 1.5);
  const coverage = blobCoverage(W, H, { cx, cy, rx, ry: rx * randIn(rng, 0.6, 1), angle: rng.uniform() * Math.PI, irregularity: 0.25, noise, offset: rng.uniform() * 50 });
  const shift = rng.uniform() < 0.5 ? 0.08 : -0.08;
  const rot = rng.uniform() < 0.5;
  return {
    coverage,
    opacity: randIn(rng, 0.55, 0.7),
    target: (_i, o) => {
      const p: Rgb = rot ? [o[1], o[2], o[0]] : [o[2], o[0], o[1]];
      return [clamp01(p[0] + shift), clamp01(p[1] + shift), clamp01(p[2] + shift)];
    },
  };
}

function missing(ctx: Ctx): Layer {
  const { rng, r, W, H, scene } = ctx;
  const noise = new PerlinNoise(rng);
  let { cx, cy } = ctx;
  if (scene.objectMask) [cx, cy] = pickBoundary(scene, rng, W, H);
  const rx = r * randIn(rng, 0.9, 1.4);
  const coverage = blobCoverage(W, H, { cx, cy, rx, ry: rx * randIn(rng, 0.6, 1), angle: rng.uniform() * Math.PI, irregularity: 0.3, noise, offset: rng.uniform() * 50 });
  const u = scene.underlay.data;
  return { coverage, opacity: 1, target: (i) => [u[i * 3], u[i * 3 + 1], u[i * 3 + 2]] };
}

function blob(ctx: Ctx): Layer {
  const { rng, r, cx, cy, W, H, style } = ctx;
  const noise = new PerlinNoise(rng);
  const coverage = new Float32Array(W * H);
  const scale = r * 0.7;
  const R = r * 1.6;
  const ox = rng.uniform() * 100;
  const oy = rng.uniform() * 100;
  const x0 = Math.max(0, Math.floor(cx - R));
  const x1 = Math.min(W - 1, Math.ceil(cx + R));
  const y0 = Math.max(0, Math.floor(cy - R));
  const y1 = Math.min(H - 1, Math.ceil(cy + R));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / R;
      if (d >= 1) continue;
      // Perlin field pushed up near the centre so the region is a compact, ragged blob.
      const n = noise.fbm((x + ox) / scale, (y + oy) / scale, 3) + 0.55 * (1 - d * d) - 0.3;
      coverage[y * W + x] = clamp01(n * scale * 1.5 + 0.5);
    }
  }
  const hue = (rgbHue(style.base) + 0.5) % 1;
  const a = hsv(hue, 0.55, 0.75);
  const b = hsv((hue + 0.08) % 1, 0.7, 0.35);
  return {
    coverage,
    opacity: 0.9,
    target: (i) => {
      const x = i % W;
      const y = Math.floor(i / W);
      const t = clamp01(0.5 + 0.8 * noise.fbm(x / 2.5 + 300, y / 2.5 + 300, 2));
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
    },
  };
}

function rgbHue(c: Rgb): number {
  const [r, g, b] = c;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return h / 6;
}

const PAINTERS: Record<AnomalyKind, (ctx: Ctx) => Layer> = { scratch, crack, hole, stain, color: colour, missing, blob };

/**
 * Paints one anomaly of `kind` and `size` onto `scene.canvas` (in place) and returns its mask
 * (1 = changed pixel). Placement is random (on the object for object scenes; missing parts start
 * at the object's outline). Tries a few placements until the mask has at least 4 pixels.
 *
 * @example
 * ```ts
 * const mask = paintAnomaly(scene, style, 'scratch', 'medium', new Rng(7));
 * ```
 */
export function paintAnomaly(scene: Scene, style: ClassStyle, kind: AnomalyKind, size: AnomalySize, rng: Rng): Uint8Array {
  const painter = PAINTERS[kind];
  if (!painter) throw new Error(`unknown anomaly kind '${String(kind)}' (expected one of ${ANOMALY_KINDS.join(', ')})`);
  const W = scene.canvas.width;
  const H = scene.canvas.height;
  const S = Math.min(W, H);
  const [lo, hi] = RADIUS[size];
  let layer: Layer | undefined;
  let count = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = Math.max(2.5, S * randIn(rng, lo, hi));
    const [cx, cy] = pickCenter(scene, rng, W, H, r);
    layer = painter({ scene, style, rng, r, cx, cy, W, H, S });
    count = 0;
    for (let i = 0; i < layer.coverage.length; i++) if (layer.coverage[i] >= 0.5 && (!scene.objectMask || scene.objectMask[i])) count++;
    if (count >= 4) break;
  }
  const mask = new Uint8Array(W * H);
  const d = scene.canvas.data;
  const { coverage, target, opacity } = layer!;
  // On object scenes every defect stays on the object.
  if (scene.objectMask) for (let i = 0; i < coverage.length; i++) if (!scene.objectMask[i]) coverage[i] = 0;
  for (let i = 0; i < coverage.length; i++) {
    const c = coverage[i];
    if (c < 0.5) continue;
    mask[i] = 1;
    const o: Rgb = [d[i * 3], d[i * 3 + 1], d[i * 3 + 2]];
    const t = target(i, o);
    const a = c * opacity;
    d[i * 3] = o[0] + (t[0] - o[0]) * a;
    d[i * 3 + 1] = o[1] + (t[1] - o[1]) * a;
    d[i * 3 + 2] = o[2] + (t[2] - o[2]) * a;
  }
  return mask;
}
