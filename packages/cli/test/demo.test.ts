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
    expect(result.images).toEqual({ train: 24, validation: 0, test: 24 });
    expect(result.final.imageAuroc).toBeGreaterThanOrEqual(0.95);
    expect(result.final.pixelAuroc).toBeGreaterThanOrEqual(0.95);
    expect(result.final.aupro).toBeGreaterThan(0.5);
    expect(result.thresholds.f1.source).toBe('test');
    expect(result.thresholds.quantile.q).toBe(0.99);
    expect(existsSync(result.report.report)).toBe(true);
    expect(readFileSync(result.report.report, 'utf8')).toContain('Image ROC');
    const sidecar = JSON.parse(readFileSync(result.checkpoint.sidecar, 'utf8'));
    expect(sidecar.cli.thresholds.f1.value).toBe(result.thresholds.f1.value);
    expect(sidecar.config.backbone).toBe('keras_resnet50');
    expect(r.stderr).toMatch(/features of 24 training and 24 test images/);
  });
});
