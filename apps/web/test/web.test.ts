import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '@msflow/core';
import { readImageSync } from '@msflow/data';
import { pngWithHeader } from '@msflow/data/testing';
import { hasChromium, launch, WEBGPU_FLAGS } from './browser.js';
import { makeDemo, msflow, serve, type Demo, type Served } from './cli.js';
import { openPage, pick, scoreImages, text, type PageResult } from './page.js';

const REPORTS = resolve(dirname(fileURLToPath(import.meta.url)), '../reports');
/** CI sets this where SwiftShader is installed: there WebGPU must start, not be skipped. */
const REQUIRE_WEBGPU = process.env.MSFLOW_REQUIRE_WEBGPU === '1';
const TOLERANCE = 1e-4;

interface Expected {
  file: string;
  score: number;
  label: 0 | 1 | null;
  /** The CLI's heatmap overlay PNG, as RGB. */
  overlay: Uint8Array;
}

/** Page scores against `msflow predict`, and the heatmap canvas against the CLI's overlay PNG. */
function expectSameAsCli(results: PageResult[], expected: Expected[], threshold: number, runtime: string): void {
  expect(results.map((r) => r.file)).toEqual(expected.map((e) => e.file.split('/').at(-1)));
  results.forEach((r, i) => {
    const e = expected[i];
    expect(r.runtime).toBe(runtime);
    expect(Math.abs(r.score - e.score), `${runtime}: ${r.file} scored ${r.score}, msflow predict ${e.score}`).toBeLessThanOrEqual(TOLERANCE);
    if (Math.abs(e.score - threshold) > TOLERANCE) expect(r.label).toBe(e.label ? 'anomalous' : 'normal');
    // The heatmap canvas holds the same jet overlay the CLI writes (one colormap level apart at most).
    const n = r.width * r.height;
    expect(n * 3).toBe(e.overlay.length);
    let sum = 0;
    let max = 0;
    let changed = 0;
    for (let p = 0; p < n; p++) {
      expect(r.heatmap[p * 4 + 3]).toBe(255);
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(r.heatmap[p * 4 + c] - e.overlay[p * 3 + c]);
        sum += d;
        max = Math.max(max, d);
        if (r.heatmap[p * 4 + c] !== r.image[p * 4 + c]) changed++;
      }
    }
    expect(sum / (n * 3), `${r.file}: mean |canvas - msflow predict --maps|`).toBeLessThan(0.5);
    expect(max).toBeLessThanOrEqual(4);
    expect(changed / (n * 3), `${r.file}: the overlay must change the image`).toBeGreaterThan(0.5);
  });
}

describe.skipIf(!hasChromium() && !REQUIRE_WEBGPU)('apps/web in headless chromium (msflow serve + the page)', () => {
  let dir: string;
  let demo: Demo;
  let expected: Expected[];
  let threshold: number;
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(REPORTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'msflow-web-'));
    demo = makeDemo(dir);
    const r = JSON.parse(msflow(['--json', 'predict', demo.checkpoint, ...demo.images, '--maps', 'maps'], dir)) as {
      predictions: { file: string; score: number; label: 0 | 1 | null; map: string }[];
      threshold: { value: number };
    };
    expected = r.predictions.map((p) => ({ file: p.file, score: p.score, label: p.label, overlay: readImageSync(p.map).data as Uint8Array }));
    threshold = r.threshold.value;
    served = await serve(demo.checkpoint, dir);
    browser = await launch({ webgpu: true });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('WebGPU (our WGSL backend): two images score as msflow predict does, within 1e-4, and the heatmaps are drawn', async () => {
    const { page, errors } = await openPage(browser, served.url);
    const gpu = await page.$eval('#gpu', (e) => (e as unknown as { dataset: { available: string } }).dataset.available);
    if (gpu !== 'true') {
      const why = await text(page, '#gpu');
      console.warn(`WebGPU did not start in chromium with ${WEBGPU_FLAGS.join(' ')}: ${why}; checking the no-WebGPU message and the onnxruntime-web fallback instead`);
      expect(REQUIRE_WEBGPU, `MSFLOW_REQUIRE_WEBGPU=1 but ${why}`).toBe(false);
      expect(await text(page, '#message')).toMatch(/WebGPU is not available/);
      expectSameAsCli(await scoreImages(page, 'auto', demo.images), expected, threshold, 'onnxruntime-web');
    } else {
      const results = await scoreImages(page, 'webgpu', demo.images);
      expectSameAsCli(results, expected, threshold, 'webgpu');
      expect(await text(page, '#runtime-used')).toMatch(/^webgpu \(/);
    }
    await page.screenshot({ path: join(REPORTS, 'web-webgpu.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('onnxruntime-web on the exported model gives the same scores and heatmaps', async () => {
    const { page, errors } = await openPage(browser, served.url);
    expectSameAsCli(await scoreImages(page, 'onnx', demo.images), expected, threshold, 'onnxruntime-web');
    await page.screenshot({ path: join(REPORTS, 'web-onnxruntime.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU the page says so and auto falls back to onnxruntime-web; asking for WebGPU gives a message', async () => {
    const { page, errors } = await openPage(browser, served.url, { hideWebgpu: true });
    expect(await text(page, '#gpu')).toMatch(/WebGPU: not available/);
    expect(await text(page, '#message')).toMatch(/WebGPU is not available in this browser/);
    expectSameAsCli(await scoreImages(page, 'auto', demo.images.slice(0, 1)), expected.slice(0, 1), threshold, 'onnxruntime-web');
    expect(await text(page, '#message')).toMatch(/Scoring with onnxruntime-web/);
    await page.select('#runtime', 'webgpu');
    await pick(page, '#images', demo.images.slice(0, 1), 'error');
    expect(await text(page, '#message')).toMatch(/WebGPU is not available in this browser.*Pick onnxruntime-web/);
    await page.screenshot({ path: join(REPORTS, 'web-no-webgpu.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a file that is not an image, or claims more pixels than the budget, gets a clear message, and the other images still score', async () => {
    const { page, errors } = await openPage(browser, served.url);
    const fake = join(dir, 'notes.png');
    writeFileSync(fake, 'this is text, not a PNG\n');
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'plain text\n');
    await page.select('#runtime', 'onnx');
    await pick(page, '#images', [fake, demo.images[0]], 'done');
    expect(await text(page, '#message')).toBe('notes.png is not an image this page can read (expected a PNG or JPEG file)');
    expect(await text(page, '#status')).toMatch(/^scored 1 of 2 images/);
    await pick(page, '#images', [txt], 'done');
    expect(await text(page, '#message')).toMatch(/^notes\.txt is not an image \(text\/plain\)/);
    // A 74-byte PNG whose header claims 30000x30000: refused from its header, never decoded.
    const bomb = join(dir, 'bomb.png');
    writeFileSync(bomb, pngWithHeader({ width: 30000, height: 30000 }));
    await pick(page, '#images', [bomb, demo.images[0]], 'done');
    expect(await text(page, '#message')).toBe('bomb.png: PNG: header says 30000x30000 = 900 megapixels, over the limit of 100 megapixels per image');
    expect(await text(page, '#status')).toMatch(/^scored 1 of 2 images/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a checkpoint of another model, or a file that is no checkpoint, gets a clear message', async () => {
    const { page, errors } = await openPage(browser, served.url);
    const other = join(dir, 'other.safetensors');
    writeFileSync(other, encodeSafetensors(new Map([['flows.0.weight', { shape: [4], data: new Float32Array([1, 2, 3, 4]) }]])));
    await pick(page, '#model-files', [join(demo.checkpoint, 'model.json'), other], 'ready');
    await page.select('#runtime', 'webgpu');
    await pick(page, '#images', [demo.images[0]], 'error');
    const gpu = await page.$eval('#gpu', (e) => (e as unknown as { dataset: { available: string } }).dataset.available);
    expect(await text(page, '#message')).toMatch(gpu === 'true' ? /^this checkpoint does not fit together: .*\(weights of another model\?\)$/ : /WebGPU is not available/);
    const notCheckpoint = join(dir, 'package.json');
    writeFileSync(notCheckpoint, JSON.stringify({ name: 'something else' }));
    await pick(page, '#model-files', [notCheckpoint, other], 'error');
    expect(await text(page, '#message')).toBe('package.json is not an msflow checkpoint (expected the model.json that msflow train writes next to model.safetensors)');
    await pick(page, '#model-files', [join(demo.checkpoint, 'model.json'), join(dir, 'notes.txt')], 'error');
    expect(await text(page, '#message')).toMatch(/^notes\.txt: not a model file/);
    // A sidecar edited by hand (a threshold raised) no longer matches its CRC-32: refused.
    const edited = JSON.parse(readFileSync(join(demo.checkpoint, 'model.json'), 'utf8'));
    edited.cli.thresholds.f1.value = 99;
    mkdirSync(join(dir, 'edited'), { recursive: true });
    writeFileSync(join(dir, 'edited', 'model.json'), JSON.stringify(edited));
    await pick(page, '#model-files', [join(dir, 'edited', 'model.json'), join(demo.checkpoint, 'model.safetensors')], 'error');
    expect(await text(page, '#message')).toMatch(/^model\.json: the checkpoint's CRC-32 does not match \(edited or corrupt/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('msflow serve serves the page and the preloaded model on 127.0.0.1, and nothing outside the page', async () => {
    const manifest = (await (await fetch(`${served.url}api/model`)).json()) as { inputSize: number[]; backbone: { weights: string }; threshold: { value: number } };
    expect(manifest.inputSize).toEqual([64, 64]);
    expect(manifest.backbone.weights).toBe('random');
    expect(manifest.threshold.value).toBe(threshold);
    const weights = new Uint8Array(await (await fetch(`${served.url}api/model.safetensors`)).arrayBuffer());
    expect(Buffer.compare(weights, readFileSync(join(demo.checkpoint, "model.safetensors")))).toBe(0);
    expect((await fetch(`${served.url}api/model.onnx`)).headers.get('content-type')).toBe('application/octet-stream');
    expect(await (await fetch(served.url)).text()).toMatch(/<title>msflow/);
    expect((await fetch(`${served.url}..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${served.url}%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
