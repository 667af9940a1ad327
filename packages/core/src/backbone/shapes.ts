import type { ArchSpec, ConvSpec } from './types.js';

/** Spatial size after a convolution or pool: floor((n + padding − k) / s) + 1. */
export function convOutSize(n: number, k: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((n + padBefore + padAfter - k) / stride) + 1;
}

/** Size after the 3x3/s2/p1 tap pool. */
export const pooledSize = (n: number): number => convOutSize(n, 3, 2, 1, 1);

/** Tap post-processing: the MSFlow average pool (default), a max pool, or none. */
export type TapPool = 'avg' | 'max' | 'none';

/**
 * Shape [h, w, c] of every requested tap for an input of h x w (analytic, no compute).
 *
 * @example
 * ```ts
 * tapShapes(architecture('wide_resnet50_2'), 512, 512); // [[64,64,256], [32,32,512], [16,16,1024]]
 * ```
 */
export function tapShapes(spec: ArchSpec, height: number, width: number, pool: TapPool = 'avg'): [number, number, number][] {
  const convs = new Map<string, ConvSpec>(spec.convs.map((c) => [c.key, c]));
  let h = height;
  let w = width;
  const at = new Map<number, [number, number]>();
  spec.nodes.forEach((n, i) => {
    if (n.op === 'maxpool') {
      h = convOutSize(h, n.kernel, n.stride, n.padding, n.padding);
      w = convOutSize(w, n.kernel, n.stride, n.padding, n.padding);
    } else {
      for (const s of n.steps) {
        const c = convs.get(s.conv)!;
        h = convOutSize(h, c.kernel[0], c.stride, c.padding[0], c.padding[1]);
        w = convOutSize(w, c.kernel[1], c.stride, c.padding[2], c.padding[3]);
      }
    }
    at.set(i, [h, w]);
  });
  return spec.taps.map((name) => {
    const p = spec.tapPoints.find((t) => t.name === name)!;
    const [th, tw] = at.get(p.node)!;
    return pool === 'none' ? [th, tw, p.channels] : [pooledSize(th), pooledSize(tw), p.channels];
  });
}

/**
 * Input sizes a graph accepts: multiples of the deepest (pooled) tap stride, at least that.
 *
 * @example
 * ```ts
 * inputConstraint(architecture('resnet18')); // { multipleOf: 32, min: 32 }
 * ```
 */
export function inputConstraint(spec: ArchSpec, pool: TapPool = 'avg'): { multipleOf: number; min: number } {
  const strides = spec.taps.map((name) => spec.tapPoints.find((t) => t.name === name)!.stride * (pool === 'none' ? 1 : 2));
  const m = Math.max(...strides);
  return { multipleOf: m, min: m };
}
