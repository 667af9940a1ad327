import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, keep, MSFlowModel, nllLoss, nllPerImage, Rng, tensor, tidy, valueAndGrads } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { featureTensors, randomFeatureSet, randomizeParams, tinyConfig } from './helpers.js';

beforeAll(() => useReferenceBackend());

describe('MSFlow loss (spec §5)', () => {
  it('is Σ½z² − log-det per image, averaged over the batch', () => {
    const z = [tensor([1, 2, 3, 4], [2, 1, 1, 2]), tensor([1, 0, 0, 2], [2, 1, 2, 1])];
    const logDet = tensor([0.5, -1], [2]);
    expect(Array.from(nllPerImage(z, logDet).dataSync())).toEqual([0.5 * (1 + 4 + 1) - 0.5, 0.5 * (9 + 16 + 4) + 1]);
    expect(nllLoss(z, logDet).dataSync()[0]).toBeCloseTo((2.5 + 15.5) / 2, 12);
    dispose([z, logDet]);
  });

  it('has gradients that pass finite differences for every kind of parameter', () => {
    const config = tinyConfig();
    const model = MSFlowModel.create(config);
    randomizeParams(model, 11);
    const feats = featureTensors(randomFeatureSet(config, 2, 12));
    const loss = () => {
      const { z, logDet } = model.forward(feats);
      return nllLoss(z, logDet);
    };
    const params = model.paramTensors();
    const { value, grads } = valueAndGrads(loss, params);
    const analytic = grads.map((g) => g.dataSync());
    dispose([value, grads]);

    const rng = new Rng(13);
    const eps = 1e-6;
    let checked = 0;
    model.specs.forEach((spec, p) => {
      const base = Float64Array.from(model.params.get(spec.name)!.dataSync());
      // Two entries of every parameter tensor: convs, LN, global scale/offset, fusion heads.
      for (let k = 0; k < 2; k++) {
        const i = rng.int(base.length);
        const at = (delta: number) => {
          const values = Float64Array.from(base);
          values[i] += delta;
          const next = model.paramTensors().map((t, j) => (j === p ? keep(tensor(values, spec.shape)) : t));
          model.setParams(next);
          return tidy(() => loss().dataSync()[0]);
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        at(0);
        const got = analytic[p][i];
        expect(Math.abs(got - numeric), `${spec.name}[${i}]: autodiff ${got}, numeric ${numeric}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBe(2 * model.specs.length);
    dispose(feats);
    model.dispose();
  });
});
