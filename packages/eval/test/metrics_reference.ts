/**
 * Brute-force reference implementations for the metric tests: written for obviousness, not
 * speed (pairwise counts, per-threshold re-evaluation, flood fill).
 */

export function bruteAuroc(s: ArrayLike<number>, l: ArrayLike<number>): number {
  let num = 0;
  let P = 0;
  let N = 0;
  for (let i = 0; i < s.length; i++) {
    if (l[i]) P++;
    else N++;
  }
  for (let i = 0; i < s.length; i++) {
    if (!l[i]) continue;
    for (let j = 0; j < s.length; j++) {
      if (l[j]) continue;
      num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return num / (P * N);
}

export function bruteF1(s: ArrayLike<number>, l: ArrayLike<number>): { f1: number; threshold: number } {
  const ths = [...new Set(Array.from(s))].sort((a, b) => b - a);
  let best = { f1: -1, threshold: Infinity };
  for (const t of ths) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < s.length; i++) {
      const p = s[i] >= t;
      if (p && l[i]) tp++;
      else if (p) fp++;
      else if (l[i]) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { f1, threshold: t };
  }
  return best;
}

/** 8-connected components by breadth-first flood fill; returns a list of pixel-index lists. */
export function bruteRegions(mask: ArrayLike<number>, w: number, h: number): number[][] {
  const seen = new Uint8Array(w * h);
  const regions: number[][] = [];
  for (let i = 0; i < w * h; i++) {
    if (!mask[i] || seen[i]) continue;
    const region: number[] = [];
    const queue = [i];
    seen[i] = 1;
    while (queue.length) {
      const p = queue.shift()!;
      region.push(p);
      const x = p % w;
      const y = Math.floor(p / w);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const q = yy * w + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            queue.push(q);
          }
        }
      }
    }
    regions.push(region);
  }
  return regions;
}

function bisectRight(x: number[], v: number): number {
  let i = 0;
  while (i < x.length && x[i] <= v) i++;
  return i;
}

/** MVTec AD `trapezoid(x, y, x_max)`, written out directly. */
export function bruteTrapezoid(x: number[], y: number[], xMax: number): number {
  let correction = 0;
  if (!x.includes(xMax)) {
    const ins = bisectRight(x, xMax);
    const yi = y[ins - 1] + ((y[ins] - y[ins - 1]) * (xMax - x[ins - 1])) / (x[ins] - x[ins - 1]);
    correction = 0.5 * (yi + y[ins - 1]) * (xMax - x[ins - 1]);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  x.forEach((v, i) => {
    if (v <= xMax) {
      xs.push(v);
      ys.push(y[i]);
    }
  });
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += 0.5 * (ys[i] + ys[i - 1]) * (xs[i] - xs[i - 1]);
  return area + correction;
}

/**
 * Standard AUPRO re-evaluated at every distinct score: at threshold t a pixel is positive when
 * score ≥ t; FPR over normal pixels; PRO = mean per-region overlap. Curve (0,0) … (1,1),
 * integrated to 0.3 with interpolation, divided by 0.3.
 */
export function bruteAupro(maps: number[][], masks: number[][], w: number, h: number, limit = 0.3): number {
  const regions = masks.map((m) => bruteRegions(m, w, h));
  const nRegions = regions.reduce((a, r) => a + r.length, 0);
  let N0 = 0;
  masks.forEach((m) => m.forEach((v) => (N0 += v ? 0 : 1)));
  const ths = [...new Set(maps.flat())].sort((a, b) => b - a);
  const x = [0];
  const y = [0];
  for (const t of ths) {
    let fp = 0;
    let pro = 0;
    maps.forEach((m, k) => {
      m.forEach((v, i) => (fp += !masks[k][i] && v >= t ? 1 : 0));
      for (const r of regions[k]) pro += r.filter((i) => m[i] >= t).length / r.length;
    });
    x.push(Math.min(1, fp / N0));
    y.push(Math.min(1, pro / nRegions));
  }
  x.push(1);
  y.push(1);
  return bruteTrapezoid(x, y, limit) / limit;
}

/** MSFlow's PRO (spec §8), one threshold at a time. */
export function bruteMsflowPro(maps: number[][], masks: number[][], w: number, h: number, thresholds: ArrayLike<number>, limit = 0.3): number {
  const regions = masks.map((m) => bruteRegions(m, w, h));
  const fprs: number[] = [];
  const pros: number[] = [];
  for (let k = 0; k < thresholds.length; k++) {
    const th = thresholds[k];
    const pro: number[] = [];
    let fp = 0;
    let neg = 0;
    maps.forEach((m, j) => {
      for (const r of regions[j]) pro.push(r.filter((i) => m[i] > th).length / r.length);
      m.forEach((v, i) => {
        if (!masks[j][i]) {
          neg++;
          if (v > th) fp++;
        }
      });
    });
    fprs.push(fp / neg);
    pros.push(pro.reduce((a, b) => a + b, 0) / pro.length);
  }
  const keep = fprs.map((f, i) => [f, pros[i]]).filter(([f]) => f < limit);
  const lo = Math.min(...keep.map((p) => p[0]));
  const hi = Math.max(...keep.map((p) => p[0]));
  const xs = keep.map((p) => (p[0] - lo) / (hi - lo));
  const ys = keep.map((p) => p[1]);
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += ((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  return Math.abs(area);
}

/** Deterministic pseudo-random numbers for test cases. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}
