import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, FusionCoupling, mixerHidden, Rng, tensor, tidy, type ParamMap } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { flat, logAbsDet, numericJacobian, randomParamMap } from './helpers.js';

beforeAll(() => useReferenceBackend());

const read = (params: ParamMap, name: string) => params.get(name)!.dataSync();

/** The fusion coupling with every scale at 1x1 (pooling and up-sampling are identities), from spec §4.2-4.3. */
function referenceFusion(f: FusionCoupling, params: ParamMap, xs: number[][]): { out: number[][]; logDet: number } {
  const halves = f.options.channels.map((c) => c / 2);
  const total = halves.reduce((s, h) => s + h, 0);
  const hid = mixerHidden(f.options.channels);
  const centre = (x: number[], name: string, cin: number, cout: number) => {
    const w = read(params, `${name}.weight`);
    const b = read(params, `${name}.bias`);
    return Array.from({ length: cout }, (_, o) => b[o] + x.reduce((s, xi, i) => s + xi * w[((1 * 3 + 1) * cin + i) * cout + o], 0));
  };
  const phi = (name: string, vs: number[][]) => {
    const h1 = centre(vs.flat(), `fusion.${name}.mixer.conv1`, total, hid);
    const mu = h1.reduce((s, v) => s + v, 0) / hid;
    const vr = h1.reduce((s, v) => s + (v - mu) ** 2, 0) / hid;
    const g = read(params, `fusion.${name}.mixer.ln.weight`);
    const b = read(params, `fusion.${name}.mixer.ln.bias`);
    const r1 = h1.map((v, i) => Math.max(0, ((v - mu) / Math.sqrt(vr + 1e-5)) * g[i] + b[i]));
    const m = centre(r1, `fusion.${name}.mixer.conv2`, hid, total).map((v) => Math.max(0, v));
    let o = 0;
    const r = vs.map((v, l) => {
      const part = m.slice(o, o + halves[l]);
      o += halves[l];
      return v.map((x, i) => x + part[i]);
    });
    return { s: r.map((x, l) => centre(x, `fusion.${name}.s${l}`, halves[l], halves[l])), t: r.map((x, l) => centre(x, `fusion.${name}.t${l}`, halves[l], halves[l])) };
  };
  const E = (s: number) => 1.9 * 0.636 * Math.atan(s / 1.9);
  const a = xs.map((x, l) => x.slice(0, halves[l]));
  const b = xs.map((x, l) => x.slice(halves[l]));
  const p2 = phi('phi2', b);
  const a2 = a.map((x, l) => x.map((v, i) => v * Math.exp(E(p2.s[l][i])) + p2.t[l][i]));
  const p1 = phi('phi1', a2);
  const b2 = b.map((x, l) => x.map((v, i) => v * Math.exp(E(p1.s[l][i])) + p1.t[l][i]));
  const logDet = [...p1.s, ...p2.s].flat().reduce((s, v) => s + E(v), 0);
  return { out: a2.map((x, l) => [...x, ...b2[l]]), logDet };
}

describe('FusionCoupling (spec §4)', () => {
  it('uses a mixer hidden width of ⌊ΣC/2 / 4⌋ (896 → 224 in the paper)', () => {
    expect(mixerHidden([256, 512, 1024])).toBe(224);
    expect(mixerHidden([64, 128, 256])).toBe(56);
    expect(mixerHidden([4, 8, 8])).toBe(2);
    expect(mixerHidden([2])).toBe(1);
  });

  it('matches a line-by-line float64 transcription at 1x1 (a from b first, then b from a′)', () => {
    const f = new FusionCoupling('fusion', { channels: [4, 6, 8], clamp: 1.9 });
    const params = randomParamMap(f.paramSpecs(), 2, 1);
    const rng = new Rng(9);
    const xs = f.options.channels.map((c) => Array.from({ length: c }, () => rng.normal() * 2));
    const got = tidy(() => {
      const r = f.forward(xs.map((x, l) => tensor(x, [1, 1, 1, f.options.channels[l]])), [], params);
      return { out: r.outputs.map((t) => Array.from(t.dataSync())), logDet: r.logDet.dataSync()[0] };
    });
    const want = referenceFusion(f, params, xs);
    want.out.forEach((o, l) => o.forEach((v, i) => expect(got.out[l][i]).toBeCloseTo(v, 6)));
    expect(got.logDet).toBeCloseTo(want.logDet, 6);
    dispose(params);
  });

  for (const { name, channels, sizes } of [
    { name: 'three scales, exact pooling 4x4 → 2x2', channels: [4, 4, 4], sizes: [[4, 4], [2, 2], [2, 2]] },
    { name: 'two scales, adaptive pooling 3x3 → 2x2', channels: [4, 4], sizes: [[3, 3], [2, 2]] },
  ]) {
    it(`inverts and its log-det equals log|det| of the numerical Jacobian (${name})`, () => {
      const f = new FusionCoupling('fusion', { channels, clamp: 1.9 });
      const params = randomParamMap(f.paramSpecs(), 3, 1);
      const rng = new Rng(4);
      const shapes = sizes.map(([h, w], l) => [1, h, w, channels[l]]);
      const counts = shapes.map((s) => s.reduce((p, q) => p * q, 1));
      const split = (x: Float64Array) => {
        let o = 0;
        return shapes.map((s, l) => {
          const t = tensor(x.subarray(o, o + counts[l]), s);
          o += counts[l];
          return t;
        });
      };
      const x0 = Float64Array.from(rng.normalArray(counts.reduce((a, b) => a + b), 1.5));
      const fwd = (x: Float64Array) => tidy(() => flat(f.forward(split(x), [], params).outputs.map((t) => t.dataSync())));
      const want = logAbsDet(numericJacobian(fwd, x0));
      const { logDet, back, rlog } = tidy(() => {
        const r = f.forward(split(x0), [], params);
        const inv = f.reverse(r.outputs, [], params);
        return { logDet: r.logDet.dataSync()[0], back: flat(inv.outputs.map((t) => t.dataSync())), rlog: inv.logDet.dataSync()[0] };
      });
      expect(Math.abs(want)).toBeGreaterThan(0.1);
      expect(logDet).toBeCloseTo(want, 6);
      expect(rlog).toBeCloseTo(-logDet, 10);
      x0.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThan(1e-9));
      dispose(params);
    });
  }

  it('clamps outputs to ±1e6 in the forward pass only', () => {
    const f = new FusionCoupling('fusion', { channels: [2], clamp: 1.9 });
    const params = randomParamMap(f.paramSpecs(), 5, 1);
    const out = tidy(() => Array.from(f.forward([tensor([3e6, -5e6], [1, 1, 1, 2])], [], params).outputs[0].dataSync()));
    expect(Math.abs(out[0])).toBeLessThanOrEqual(1e6);
    expect(Math.abs(out[1])).toBeLessThanOrEqual(1e6);
    dispose(params);
  });

  it('rejects odd channel counts', () => {
    expect(() => new FusionCoupling('fusion', { channels: [4, 5], clamp: 1.9 })).toThrow(/even channel count/);
  });
});
