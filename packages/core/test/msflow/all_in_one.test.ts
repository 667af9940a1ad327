import { beforeAll, describe, expect, it } from 'vitest';
import { AllInOneBlock, dispose, initParams, Rng, tensor, tidy, type ParamMap } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { logAbsDet, numericJacobian, randomParamMap } from './helpers.js';

beforeAll(() => useReferenceBackend());

const read = (params: ParamMap, name: string) => params.get(name)!.dataSync();

/** The block at a 1x1 pixel in plain float64 JS, written from spec §3.3 line by line. */
function referenceBlock(block: AllInOneBlock, params: ParamMap, u: number[], pe: number[]): { w: number[]; logDet: number } {
  const { channels: c, permutation, clamp } = block.options;
  const passive = c - Math.floor(c / 2);
  const active = c - passive;
  const hid = passive + pe.length;
  const centre = (x: number[], name: string, cin: number, cout: number) => {
    const w = read(params, `${name}.weight`);
    const b = read(params, `${name}.bias`);
    // HWIO filter; at 1x1 with zero padding only the centre tap (1, 1) sees data.
    return Array.from({ length: cout }, (_, o) => b[o] + x.reduce((s, xi, i) => s + xi * w[((1 * 3 + 1) * cin + i) * cout + o], 0));
  };
  const inp = [...u.slice(0, passive), ...pe];
  const h1 = centre(inp, `${block.name}.subnet.conv1`, hid, hid);
  const mu = h1.reduce((s, v) => s + v, 0) / hid;
  const vr = h1.reduce((s, v) => s + (v - mu) ** 2, 0) / hid;
  const g = read(params, `${block.name}.subnet.ln.weight`);
  const bb = read(params, `${block.name}.subnet.ln.bias`);
  const r = h1.map((v, i) => Math.max(0, ((v - mu) / Math.sqrt(vr + 1e-5)) * g[i] + bb[i]));
  const a = centre(r, `${block.name}.subnet.conv2`, hid, 2 * active).map((v) => 0.1 * v);
  const sigma = a.slice(0, active).map((s) => clamp * Math.tanh(s));
  const t = a.slice(active);
  const v = [...u.slice(0, passive), ...u.slice(passive).map((x, i) => x * Math.exp(sigma[i]) + t[i])];
  const gs = read(params, `${block.name}.global_scale`);
  const go = read(params, `${block.name}.global_offset`);
  const gamma = Array.from(gs, (x) => 0.2 * Math.log(1 + Math.exp(0.5 * x)));
  const y = v.map((x, i) => gamma[i] * x + go[i]);
  return { w: permutation.map((p) => y[p]), logDet: sigma.reduce((s, x) => s + x, 0) + gamma.reduce((s, x) => s + Math.log(x), 0) };
}

describe('AllInOneBlock (old FrEIA semantics, spec §3.3)', () => {
  it('initialises the global scale so that γ = 1 exactly', () => {
    const block = new AllInOneBlock('b', { channels: 4, condChannels: 4, clamp: 1.9, permutation: [0, 1, 2, 3] });
    expect(AllInOneBlock.globalScaleInit(1)).toBeCloseTo(2 * Math.log(Math.exp(5) - 1), 12);
    const params = initParams(block.paramSpecs(), new Rng(1));
    const x = tensor([1, -2, 0.5, 3], [1, 1, 1, 4]);
    const pe = tensor([0, 1, 0, 1], [1, 1, 1, 4]);
    const { logDet } = block.forward([x], [pe], params);
    const { sigma } = { sigma: logDet.dataSync()[0] };
    // With γ = 1 the log-det is Σσ alone, bounded by 1.9 per transformed channel.
    expect(Math.abs(sigma)).toBeLessThan(2 * 1.9);
    const gamma = Array.from(read(params, 'b.global_scale'), (g) => 0.2 * Math.log1p(Math.exp(0.5 * g)));
    gamma.forEach((g) => expect(g).toBeCloseTo(1, 6));
    dispose([params, x, pe, logDet]);
  });

  it('matches a line-by-line float64 transcription of the spec (odd C: passive half is ⌈C/2⌉)', () => {
    for (const c of [5, 6]) {
      const rng = new Rng(c);
      const block = new AllInOneBlock('blk', { channels: c, condChannels: 4, clamp: 1.9, permutation: rng.permutation(c) });
      const params = randomParamMap(block.paramSpecs(), 10 + c, 1.5);
      const u = [Array.from({ length: c }, () => rng.normal() * 2), Array.from({ length: c }, () => rng.normal())];
      const pe = [0.3, -0.7, 0.9, 0.1];
      const out = tidy(() => {
        const r = block.forward([tensor(u.flat(), [2, 1, 1, c])], [tensor([...pe, ...pe], [2, 1, 1, 4])], params);
        return { w: r.outputs[0].dataSync(), logDet: r.logDet.dataSync() };
      });
      u.forEach((ui, n) => {
        const ref = referenceBlock(block, params, ui, pe);
        // 1e-6: core's number operands (0.1, 1.9, 0.5) are float32 scalars, the transcription's are float64.
        ref.w.forEach((v, j) => expect(out.w[n * c + j]).toBeCloseTo(v, 6));
        expect(out.logDet[n]).toBeCloseTo(ref.logDet, 6);
      });
      dispose(params);
    }
  });

  it('inverts: reverse(forward(x)) = x and the reverse log-det is the negative', () => {
    const rng = new Rng(3);
    const block = new AllInOneBlock('blk', { channels: 6, condChannels: 4, clamp: 1.9, permutation: rng.permutation(6) });
    const params = randomParamMap(block.paramSpecs(), 4, 2);
    const x = tensor(rng.normalArray(2 * 3 * 3 * 6, 2), [2, 3, 3, 6]);
    const pe = tensor(rng.normalArray(2 * 3 * 3 * 4), [2, 3, 3, 4]);
    const f = block.forward([x], [pe], params);
    const r = block.reverse(f.outputs, [pe], params);
    const back = r.outputs[0].dataSync();
    x.dataSync().forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThan(1e-10));
    const [fd, rd] = [f.logDet.dataSync(), r.logDet.dataSync()];
    fd.forEach((v, i) => expect(rd[i]).toBeCloseTo(-v, 10));
    dispose([params, x, pe, f, r]);
  });

  it('log-det equals log|det| of the numerical Jacobian (C = 4, 2x2)', () => {
    const rng = new Rng(5);
    const block = new AllInOneBlock('blk', { channels: 4, condChannels: 4, clamp: 1.9, permutation: rng.permutation(4) });
    const params = randomParamMap(block.paramSpecs(), 6, 2);
    const pe = tensor(rng.normalArray(2 * 2 * 4), [1, 2, 2, 4]);
    const x0 = Float64Array.from(rng.normalArray(16, 1.5));
    const f = (x: Float64Array) => tidy(() => Float64Array.from(block.forward([tensor(x, [1, 2, 2, 4])], [pe], params).outputs[0].dataSync()));
    const want = logAbsDet(numericJacobian(f, x0));
    const got = tidy(() => block.forward([tensor(x0, [1, 2, 2, 4])], [pe], params).logDet.dataSync()[0]);
    expect(Math.abs(want)).toBeGreaterThan(0.1);
    expect(got).toBeCloseTo(want, 6);
    dispose([params, pe]);
  });

  it('explains bad inputs', () => {
    const block = new AllInOneBlock('blk', { channels: 4, condChannels: 4, clamp: 1.9, permutation: [0, 1, 2, 3] });
    const params = initParams(block.paramSpecs(), new Rng(1));
    const x = tensor(new Float32Array(16), [1, 2, 2, 4]);
    expect(() => block.forward([x], [], params)).toThrow(/condition 0 must be \[1,2,2,4\], got none/);
    expect(() => new AllInOneBlock('b', { channels: 4, condChannels: 0, clamp: 1.9, permutation: [0, 1, 1, 3] })).toThrow(/not a permutation/);
    params.delete('blk.global_offset');
    const pe = tensor(new Float32Array(16), [1, 2, 2, 4]);
    expect(() => block.forward([x], [pe], params)).toThrow(/parameter blk.global_offset is missing/);
    dispose([params, x, pe]);
  });
});
