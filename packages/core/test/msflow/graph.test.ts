import { beforeAll, describe, expect, it } from 'vitest';
import {
  dispose,
  engine,
  FlowGraph,
  FlowSequence,
  MSFlowModel,
  PermuteRandom,
  Rng,
  tensor,
  tidy,
  type Tensor,
} from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { featureTensors, flat, logAbsDet, numericJacobian, randomFeatureSet, randomizeParams, tinyConfig } from './helpers.js';

beforeAll(() => useReferenceBackend());

describe('PermuteRandom', () => {
  it('gathers channels by index, inverts, and has log-det 0', () => {
    const p = new PermuteRandom('p', [2, 0, 1]);
    const x = tensor([10, 11, 12, 20, 21, 22], [2, 1, 1, 3]);
    const f = p.forward([x], [], new Map());
    expect(Array.from(f.outputs[0].dataSync())).toEqual([12, 10, 11, 22, 20, 21]);
    expect(Array.from(f.logDet.dataSync())).toEqual([0, 0]);
    const r = p.reverse(f.outputs, [], new Map());
    expect(Array.from(r.outputs[0].dataSync())).toEqual([10, 11, 12, 20, 21, 22]);
    const perm = PermuteRandom.draw('q', 6, new Rng(1)).permutation;
    expect([...perm].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(logAbsDet(numericJacobian((v) => tidy(() => Float64Array.from(p.forward([tensor(v, [1, 1, 1, 3])], [], new Map()).outputs[0].dataSync())), Float64Array.of(1, 2, 3)))).toBeCloseTo(0, 8);
    dispose([x, f, r]);
  });
});

describe('FlowSequence and FlowGraph', () => {
  const perm = (name: string, p: number[]) => new PermuteRandom(name, p);
  const port = (from: number | 'input', p = 0) => ({ from, port: p });

  it('chains modules and reverses them in the opposite order', () => {
    const seq = new FlowSequence('s', [perm('a', [1, 2, 0]), perm('b', [2, 1, 0])]);
    const x = tensor([1, 2, 3], [1, 1, 1, 3]);
    const y = seq.forward([x], [], new Map());
    // a: [2,3,1]; b reverses: [1,3,2]
    expect(Array.from(y.outputs[0].dataSync())).toEqual([1, 3, 2]);
    expect(Array.from(seq.reverse(y.outputs, [], new Map()).outputs[0].dataSync())).toEqual([1, 2, 3]);
    dispose([x, y]);
  });

  it('validates the wiring: every slot read exactly once, only from earlier nodes', () => {
    const a = perm('a', [0, 1]);
    expect(() => new FlowGraph('g', { inputs: 1, nodes: [{ module: a, inputs: [port(1)] }], outputs: [port(0)] })).toThrow(/reads slot 1:0, which no earlier node/);
    expect(
      () => new FlowGraph('g', { inputs: 2, nodes: [{ module: a, inputs: [port('input', 0)] }], outputs: [port(0), port(0)] }),
    ).toThrow(/read twice/);
    expect(() => new FlowGraph('g', { inputs: 2, nodes: [{ module: a, inputs: [port('input', 0)] }], outputs: [port(0), port('input', 0)] })).toThrow(
      /read twice/,
    );
    expect(() => new FlowGraph('g', { inputs: 1, nodes: [], outputs: [port('input')] })).toThrow(/at least one node/);
  });

  it('runs a DAG forward and backward, routing outputs to the right slots', () => {
    const g = new FlowGraph('g', {
      inputs: 2,
      nodes: [
        { module: perm('a', [1, 0]), inputs: [port('input', 1)] },
        { module: perm('b', [1, 0]), inputs: [port(0)] },
      ],
      outputs: [port(1), port('input', 0)],
    });
    const x0 = tensor([1, 2], [1, 1, 1, 2]);
    const x1 = tensor([3, 4], [1, 1, 1, 2]);
    const y = g.forward([x0, x1], [], new Map());
    expect(y.outputs.map((t) => Array.from(t.dataSync()))).toEqual([[3, 4], [1, 2]]);
    const back = g.reverse(y.outputs, [], new Map());
    expect(back.outputs.map((t) => Array.from(t.dataSync()))).toEqual([[1, 2], [3, 4]]);
    dispose([x0, x1, y, back]);
  });
});

describe('the whole MSFlow graph', () => {
  const config = tinyConfig();

  it('inverts to within 1e-4 (float64 reference: far better)', () => {
    const model = MSFlowModel.create(config);
    randomizeParams(model, 1);
    const feats = featureTensors(randomFeatureSet(config, 2, 3));
    const { z } = model.forward(feats);
    const { features } = model.reverse(z);
    feats.forEach((f, l) => {
      const want = f.dataSync();
      const got = features[l].dataSync();
      want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4));
    });
    dispose([feats, z, features]);
    model.dispose();
  });

  it('log-det equals log|det| of the numerical Jacobian of all latents w.r.t. all features', () => {
    const model = MSFlowModel.create(config);
    randomizeParams(model, 2);
    const set = randomFeatureSet(config, 1, 4);
    const shapes = set.scales.map((s) => [1, ...s.shape]);
    const x0 = flat(set.scales.map((s) => s.data));
    const split = (x: Float64Array): Tensor[] => {
      let o = 0;
      return shapes.map((s) => {
        const n = s.reduce((p, q) => p * q, 1);
        const t = tensor(x.subarray(o, o + n), s);
        o += n;
        return t;
      });
    };
    const f = (x: Float64Array) => tidy(() => flat(model.forward(split(x)).z.map((t) => t.dataSync())));
    const jac = numericJacobian(f, x0);
    expect(jac.length).toBe(x0.length);
    const want = logAbsDet(jac);
    const got = tidy(() => model.forward(split(x0)).logDet.dataSync()[0]);
    expect(Math.abs(want)).toBeGreaterThan(0.5);
    expect(got).toBeCloseTo(want, 5);
    model.dispose();
  });

  it('computes the log-det per image: a batch gives the same values as images one at a time', () => {
    const model = MSFlowModel.create(config);
    randomizeParams(model, 3);
    const set = randomFeatureSet(config, 3, 5);
    const batch = tidy(() => Array.from(model.forward(featureTensors(set)).logDet.dataSync()));
    for (let i = 0; i < 3; i++) {
      const one = tidy(() => {
        const single = set.scales.map((s) => {
          const per = s.shape[0] * s.shape[1] * s.shape[2];
          return tensor(s.data.subarray(i * per, (i + 1) * per), [1, ...s.shape]);
        });
        return model.forward(single).logDet.dataSync()[0];
      });
      expect(batch[i]).toBeCloseTo(one, 8);
    }
    model.dispose();
  });

  it('frees every intermediate tensor of a forward pass', () => {
    const model = MSFlowModel.create(config);
    const feats = featureTensors(randomFeatureSet(config, 1, 6));
    const before = engine.numTensors();
    const out = model.forward(feats);
    expect(engine.numTensors()).toBe(before + 4);
    dispose(out);
    expect(engine.numTensors()).toBe(before);
    dispose(feats);
    model.dispose();
  });

  it('draws the same permutations and parameters from the same seed', () => {
    const a = MSFlowModel.create(config);
    const b = MSFlowModel.create(config);
    const c = MSFlowModel.create({ ...config, seed: 8 });
    expect(b.permutations).toEqual(a.permutations);
    expect(c.permutations).not.toEqual(a.permutations);
    expect(Array.from(b.params.get('fusion.phi1.s0.weight')!.dataSync())).toEqual(Array.from(a.params.get('fusion.phi1.s0.weight')!.dataSync()));
    expect(a.rngState).toEqual(b.rngState);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects features with the wrong channels', () => {
    const model = MSFlowModel.create(config);
    const bad = [tensor(new Float32Array(16), [1, 2, 2, 4])];
    expect(() => model.forward(bad)).toThrow(/expected 3 NHWC tensors with channels \[4,8,8\]/);
    dispose(bad);
    model.dispose();
  });

});
