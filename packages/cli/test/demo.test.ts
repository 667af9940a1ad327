import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { msflow, tmp } from './helpers.js';

describe('msflow demo (tiny config)', () => {
  // Also issue 3's acceptance check: the cpu preset (Keras ResNet-50 taps, one block per scale)
  // on a synthetic anomaly class reaches image AUROC >= 0.95 and pixel AUROC >= 0.95.
  it('trains the cpu preset on a synthetic class to image and pixel AUROC >= 0.95, with the report', async () => {
    const dir = tmp();
    const r = await msflow(['demo', '--json', '--out', 'd', '--train', '24', '--test-good', '8', '--test-anomalous', '16', '--epochs', '1', '--sub-epochs', '2', '--seed', '0'], dir);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout); // stdout holds only the JSON result; logs went to stderr
    expect(result.status).toBe('completed');
    // 20 % of the normal images held out: the threshold is chosen on them.
    expect(result.images).toEqual({ train: 19, validation: 5, test: 24 });
    expect(result.final.imageAuroc).toBeGreaterThanOrEqual(0.95);
    expect(result.final.pixelAuroc).toBeGreaterThanOrEqual(0.95);
    expect(result.final.aupro).toBeGreaterThan(0.5);
    expect(result.thresholds.f1).toMatchObject({ source: 'test', score: 'nll' });
    expect(result.thresholds.normal).toMatchObject({ score: 'nll', targetFpr: 0.01, source: 'validation', images: 5 });
    // The user-facing score: ranks as well as the paper's, and no two anomalies tie unless equal.
    expect(result.final.imageAurocNll).toBeGreaterThanOrEqual(result.final.imageAuroc - 0.005);
    const saved = JSON.parse(readFileSync(result.report.metrics, 'utf8'));
    const anomalous = saved.nllScores.filter((_: number, i: number) => saved.labels[i] === 1);
    expect(new Set(anomalous).size).toBe(anomalous.length);
    // The stored threshold on the test set: the FPR on its normals, printed beside the target.
    expect(result.decision).toMatchObject({ targetFpr: 0.01, normals: 8, anomalous: 16 });
    expect(r.stderr + r.stdout).not.toMatch(/undefined/);
    expect(existsSync(result.report.report)).toBe(true);
    expect(readFileSync(result.report.report, 'utf8')).toContain('Image ROC');
    const sidecar = JSON.parse(readFileSync(result.checkpoint.sidecar, 'utf8'));
    expect(sidecar.cli.thresholds.f1.value).toBe(result.thresholds.f1.value);
    expect(sidecar.cli.thresholds.normal).toEqual(result.thresholds.normal);
    expect(sidecar.config.backbone).toBe('keras_resnet50');
    expect(r.stderr).toMatch(/features of 24 training and 24 test images/);
  });
});
