/**
 * Connected components of binary masks with 8-connectivity (what `skimage.measure.label` and
 * `scipy.ndimage.label(structure=ones((3,3)))` use for the PRO metric).
 */

/** Result of {@link labelComponents}. */
export interface Components {
  /** Per pixel: 0 for background, 1..count for the component it belongs to (raster order of first pixel). */
  labels: Int32Array;
  count: number;
  /** `areas[k]` = pixel count of component k (index 0 unused). */
  areas: Int32Array;
}

function find(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) r = parent[r];
  while (parent[x] !== r) {
    const n = parent[x];
    parent[x] = r;
    x = n;
  }
  return r;
}

/**
 * Labels the 8-connected components of `mask` (> 0 = foreground), two-pass union-find.
 *
 * @example
 * ```ts
 * const { count, areas } = labelComponents(Uint8Array.of(1, 0, 0, 1), 2, 2); // diagonal: count 1, areas[1] = 2
 * ```
 */
export function labelComponents(mask: ArrayLike<number>, width: number, height: number): Components {
  const n = width * height;
  if (mask.length !== n) throw new Error(`labelComponents: mask has ${mask.length} pixels, expected ${width}x${height}`);
  const labels = new Int32Array(n);
  const parent: number[] = [0];
  let next = 1;
  const link = (a: number, b: number): number => {
    // union, returns the smaller root
    let ra = a;
    while (parent[ra] !== ra) ra = parent[ra];
    let rb = b;
    while (parent[rb] !== rb) rb = parent[rb];
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (!(mask[i] > 0)) continue;
      let l = 0;
      // Already-visited neighbours: W, NW, N, NE.
      if (x > 0 && labels[i - 1]) l = labels[i - 1];
      if (y > 0) {
        const up = i - width;
        if (x > 0 && labels[up - 1]) l = l ? link(l, labels[up - 1]) : labels[up - 1];
        if (labels[up]) l = l ? link(l, labels[up]) : labels[up];
        if (x + 1 < width && labels[up + 1]) l = l ? link(l, labels[up + 1]) : labels[up + 1];
      }
      if (!l) {
        l = next++;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  const par = Int32Array.from(parent);
  const remap = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(par, l);
    if (r === l) remap[l] = ++count;
  }
  for (let l = 1; l < next; l++) remap[l] = remap[find(par, l)];
  const areas = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) {
    if (labels[i]) {
      const v = remap[labels[i]];
      labels[i] = v;
      areas[v]++;
    }
  }
  return { labels, count, areas };
}
