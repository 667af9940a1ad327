/**
 * Metrics benchmark: pixel AUROC + standard AUPRO (and MSFlow's PRO, F1-max) over 100 anomaly
 * maps of 512×512 (26.2 M pixels), half the images with a defect region.
 *
 *   cd packages/eval && npx vitest bench --run
 *
 * Target (issue 4): pixel AUROC + AUPRO under 10 s on 2 cores.
 */
import { bench, describe } from 'vitest';
import { aupro, auproMsflow, f1Max, pixelAuroc } from '../src/index.js';

const N = 100;
const S = 512;

function makeData(): { maps: Float32Array[]; masks: Uint8Array[] } {
  let s = 1;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const maps: Float32Array[] = [];
  const masks: Uint8Array[] = [];
  for (let k = 0; k < N; k++) {
    const m = new Uint8Array(S * S);
    const a = new Float32Array(S * S);
    if (k % 2) {
      const cx = rnd() * S;
      const cy = rnd() * S;
      const r = 10 + rnd() * 40;
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * S + x] = 1;
    }
    for (let i = 0; i < S * S; i++) a[i] = rnd() + m[i] * 0.5;
    maps.push(a);
    masks.push(m);
  }
  return { maps, masks };
}

const { maps, masks } = makeData();
const shape = { height: S, width: S };
const opts = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };

describe(`metrics on ${N} maps of ${S}x${S}`, () => {
  bench(
    'pixel AUROC + AUPRO',
    () => {
      pixelAuroc(maps, masks);
      aupro(maps, masks, shape);
    },
    opts,
  );
  bench('pixel AUROC', () => void pixelAuroc(maps, masks), opts);
  bench('AUPRO (standard, FPR 0.3)', () => void aupro(maps, masks, shape), opts);
  bench('PRO (MSFlow, 800 thresholds)', () => void auproMsflow(maps, masks, shape), opts);
  bench('pixel F1-max', () => void f1Max(maps, masks), opts);
});
