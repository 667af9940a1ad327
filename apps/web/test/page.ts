import type { Browser, Page } from 'puppeteer-core';

/** One result figure as the page shows it, with its canvases' RGBA pixels. */
export interface PageResult {
  file: string;
  score: number;
  label: string;
  runtime: string;
  width: number;
  height: number;
  image: number[];
  heatmap: number[];
}

/** A page plus the uncaught errors it threw (the page must show messages, not throw). */
export interface OpenedPage {
  page: Page;
  errors: string[];
}

/**
 * Opens the page and waits until it reports its model; `hideWebgpu` removes `navigator.gpu`
 * before any script runs, as in a browser without WebGPU.
 */
export async function openPage(browser: Browser, url: string, options: { hideWebgpu?: boolean; state?: string } = {}): Promise<OpenedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (options.hideWebgpu) await page.evaluateOnNewDocument('Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined, configurable: true });');
  await page.setViewport({ width: 1000, height: 760 });
  await page.goto(url);
  await page.waitForSelector(`#status[data-state="${options.state ?? 'ready'}"]`, { timeout: 60_000 });
  return { page, errors };
}

/** The text of an element. */
export const text = (page: Page, selector: string): Promise<string> => page.$eval(selector, (e) => e.textContent ?? '');

/** Picks files in a file input and waits until the page has finished with them. */
export async function pick(page: Page, input: string, files: readonly string[], until: string): Promise<void> {
  await page.$eval('#status', (e) => e.setAttribute('data-state', 'picked'));
  const handle = await page.$(input);
  if (!handle) throw new Error(`no ${input} on the page`);
  await (handle as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...files);
  await page.waitForSelector(`#status[data-state="${until}"]`, { timeout: 170_000 });
}

/** Chooses the runtime, picks images and returns the results, newest last. */
export async function scoreImages(page: Page, runtime: 'auto' | 'webgpu' | 'onnx', images: readonly string[]): Promise<PageResult[]> {
  await page.select('#runtime', runtime);
  await page.$$eval('.result', (els) => els.forEach((e) => e.remove()));
  await pick(page, '#images', images, 'done');
  const results = await page.$$eval('.result', (figs) =>
    figs.map((f) => {
      const pixels = (c: { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }) =>
        Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
      const image = f.querySelector('canvas.image') as unknown as Parameters<typeof pixels>[0];
      const heatmap = f.querySelector('canvas.heatmap') as unknown as Parameters<typeof pixels>[0];
      const d = (f as unknown as { dataset: Record<string, string> }).dataset;
      return { file: d.file, score: Number(d.score), label: d.label, runtime: d.runtime, width: heatmap.width, height: heatmap.height, image: pixels(image), heatmap: pixels(heatmap) };
    }),
  );
  return results.reverse();
}
