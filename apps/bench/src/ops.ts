import type { Rng} from '@msflow/core';
import { conv2d, dispose, layerNorm, matmul, resizeBilinear, sizeOf, sum, tensor, valueAndGrads, type Tensor } from '@msflow/core';

/** One op-level micro benchmark: a kernel call on fixed shapes and its FLOP count. */
export interface OpCase {
  name: string;
  /** Floating-point operations of one call (a multiply-add counts 2). */
  flops: number;
  /** Creates inputs on the active backend and returns the call (which returns tensors to read). */
  setup(rng: Rng): { run: () => Tensor[]; inputs: Tensor[] };
}

const rand = (rng: Rng, shape: number[], scale = 1) => tensor(rng.uniformArray(sizeOf(shape), -scale, scale), shape);

/** Conv 3x3 "same", NHWC. */
function convCase(n: number, hw: number, cin: number, cout: number, backward: boolean): OpCase {
  const fwd = 2 * n * hw * hw * cout * cin * 9;
  return {
    name: `conv3x3 ${backward ? 'fwd+bwd' : 'fwd'} [${n},${hw},${hw},${cin}]->${cout}`,
    flops: backward ? 3 * fwd : fwd,
    setup(rng) {
      const x = rand(rng, [n, hw, hw, cin]);
      const w = rand(rng, [3, 3, cin, cout], 1 / Math.sqrt(9 * cin));
      const run = backward
        ? () => {
            const { value, grads } = valueAndGrads(() => sum(conv2d(x, w, { padding: 1 })), [x, w]);
            return [value, ...grads];
          }
        : () => [conv2d(x, w, { padding: 1 })];
      return { run, inputs: [x, w] };
    },
  };
}

function matmulCase(m: number, k: number, n: number): OpCase {
  return {
    name: `matmul ${m}x${k}x${n}`,
    flops: 2 * m * k * n,
    setup(rng) {
      const a = rand(rng, [m, k]);
      const b = rand(rng, [k, n]);
      return { run: () => [matmul(a, b)], inputs: [a, b] };
    },
  };
}

function layerNormCase(n: number, hw: number, c: number): OpCase {
  return {
    name: `layerNorm [${n},${hw},${hw},${c}]`,
    flops: 8 * n * hw * hw * c,
    setup(rng) {
      const x = rand(rng, [n, hw, hw, c]);
      const g = rand(rng, [c]);
      const b = rand(rng, [c]);
      return { run: () => [layerNorm(x, g, b)], inputs: [x, g, b] };
    },
  };
}

function resizeCase(n: number, from: number, to: number, c: number): OpCase {
  return {
    name: `resizeBilinear [${n},${from},${from},${c}]->${to}`,
    flops: 8 * n * to * to * c,
    setup(rng) {
      const x = rand(rng, [n, from, from, c]);
      return { run: () => [resizeBilinear(x, [to, to], true)], inputs: [x] };
    },
  };
}

/** The op suite; `quick` uses shapes small enough for a CI smoke run. */
export function opCases(quick: boolean): OpCase[] {
  return quick
    ? [convCase(1, 16, 32, 32, false), convCase(1, 16, 32, 32, true), matmulCase(128, 128, 128), layerNormCase(1, 16, 64), resizeCase(1, 16, 64, 1)]
    : [
        convCase(8, 64, 64, 128, false),
        convCase(8, 64, 64, 128, true),
        convCase(8, 16, 576, 576, false),
        matmulCase(512, 512, 512),
        layerNormCase(8, 64, 192),
        resizeCase(8, 64, 512, 1),
      ];
}

/** Runs one case once and waits for its results (readback included). */
export async function runOnce(run: () => Tensor[]): Promise<void> {
  const outs = run();
  for (const o of outs) await o.data();
  dispose(outs);
}
