import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';

/** What Train mode shows once a training has ended. */
export interface TrainOutcome {
  state: string;
  status: string;
  /** `webgpu` or `onnxruntime-web`: the runtime line's `data-runtime`. */
  runtime: string;
  runtimeLine: string;
  message: string;
  messageKind: string;
  losses: number[];
  seconds?: { decode: number; features: number; train: number; score: number; total: number };
  /** Test images scored: name, score, label. */
  results: { file: string; score: number; label: string }[];
  downloads: string;
  /** Tensors the training left alive on its runtime after freeing its model and trainer (undefined when the worker failed). */
  leakedTensors?: number;
}

/** Train mode's form: the runtime and the `msflow train` settings. */
export interface TrainForm {
  runtime: 'auto' | 'webgpu' | 'onnx';
  size: number;
  epochs: number;
  passes: number;
  batch: number;
  seed: number;
}

/** Opens Train mode (`#train`) on a fresh page of an open page. */
export async function openTrainMode(page: Page, url: string): Promise<void> {
  await page.setViewport({ width: 1000, height: 1100 });
  await page.goto(`${url}#train`);
  await page.waitForSelector('#train-mode:not([hidden]) #train-status[data-state="idle"]', { timeout: 60_000 });
}

/** Fills the form and picks the images (the test images may be none). */
export async function fillTrainForm(page: Page, form: TrainForm, train: readonly string[], test: readonly string[] = []): Promise<void> {
  for (const [id, v] of [['train-runtime', form.runtime], ['train-size', String(form.size)]]) {
    const picked = await page.select(`#${id}`, v);
    if (picked[0] !== v) throw new Error(`#${id} has no option ${v}`);
  }
  for (const [id, v] of [['train-epochs', form.epochs], ['train-passes', form.passes], ['train-batch', form.batch], ['train-seed', form.seed]] as const) {
    await page.$eval(`#${id}`, (e, value) => ((e as unknown as { value: string }).value = String(value)), v);
  }
  const upload = async (selector: string, files: readonly string[]) => {
    const input = await page.$(selector);
    if (!input) throw new Error(`no ${selector} on the page`);
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...files);
  };
  await upload('#train-files', train);
  if (test.length) await upload('#train-test', test);
}

/** The DOM as the functions evaluated in the page use it (the tests compile without DOM types). */
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  hidden: boolean;
  href: string;
}
interface Doc {
  getElementById(id: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
}
/** Reads what Train mode shows. */
export async function trainOutcome(page: Page): Promise<TrainOutcome> {
  return page.evaluate(() => {
    const document = (globalThis as unknown as { document: Doc }).document;
    const el = (id: string) => document.getElementById(id)!;
    const status = el('train-status');
    const message = el('train-message');
    return {
      state: status.dataset.state ?? '',
      status: status.textContent ?? '',
      runtime: el('train-runtime-used').dataset.runtime ?? '',
      runtimeLine: el('train-runtime-used').textContent ?? '',
      message: message.hidden ? '' : (message.textContent ?? ''),
      messageKind: message.dataset.kind ?? '',
      losses: JSON.parse(el('loss-curve').dataset.losses ?? '[]') as number[],
      seconds: status.dataset.seconds ? JSON.parse(status.dataset.seconds) : undefined,
      results: [...document.querySelectorAll('#train-results .result')].map((f) => ({ file: f.dataset.file!, score: Number(f.dataset.score), label: f.dataset.label! })),
      downloads: el('train-downloads').textContent ?? '',
      leakedTensors: status.dataset.leakedTensors === undefined ? undefined : Number(status.dataset.leakedTensors),
    };
  });
}

/**
 * Polls `expression` in the page until it is true (a training takes minutes; one long
 * `waitForSelector` would outlive the browser protocol's timeout).
 */
export async function waitUntil(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(expression))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${expression}: still false after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Whether Train mode's status is one of `states`. */
export const stateIs = (...states: string[]): string => `[${states.map((s) => `'${s}'`).join(',')}].includes(document.getElementById('train-status').dataset.state)`;

/** Waits until the training has ended (`done`, `stopped` or `error`) and reads the outcome. */
export async function trainingEnded(page: Page, timeoutMs: number): Promise<TrainOutcome> {
  await waitUntil(page, stateIs('done', 'stopped', 'error'), timeoutMs);
  return trainOutcome(page);
}

/** Expression: the number of losses on the loss curve. */
export const LOSSES = 'JSON.parse(document.getElementById("loss-curve").dataset.losses).length';

/**
 * Clicks Train and waits until the training has ended; with `midway`, calls it once `steps`
 * losses are on the curve and tells whether the training steps were still running when it
 * returned (fewer losses than steps: what it saw was mid-training).
 */
export async function runTraining(page: Page, timeoutMs: number, midway?: { steps: number; act: () => Promise<void> }): Promise<TrainOutcome & { midwayWhileBusy?: boolean }> {
  await page.click('#train-start');
  await waitUntil(page, `!${stateIs('ready', 'idle')}`, 30_000);
  if (!midway) return trainingEnded(page, timeoutMs);
  await waitUntil(page, `${LOSSES} >= ${midway.steps} || ${stateIs('done', 'stopped', 'error')}`, timeoutMs);
  await midway.act();
  const midwayWhileBusy = (await page.evaluate(`${LOSSES} < document.getElementById("train-progress").max`)) as boolean;
  return { ...(await trainingEnded(page, timeoutMs)), midwayWhileBusy };
}

/** The page's training workers (puppeteer lists a worker until it is terminated). */
export const trainingWorkers = (page: Page) => page.workers().filter((w) => /\/worker-[^/]*\.js$/.test(w.url()));

/** Waits until no training worker is left (the page terminates it after `done`), for up to `timeoutMs`. */
export async function workersGone(page: Page, timeoutMs = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (trainingWorkers(page).length) {
    if (Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/** Downloads the offered checkpoint (both links) into `dir`, as a person clicking them would. */
export async function downloadCheckpoint(page: Page, dir: string): Promise<{ json: string; weights: string }> {
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
  const files = { json: join(dir, 'model.json'), weights: join(dir, 'model.safetensors') };
  const sizes = await page.evaluate(async () => {
    const document = (globalThis as unknown as { document: Doc }).document;
    const size = async (id: string) => (await (await fetch(document.getElementById(id)!.href)).blob()).size;
    return { json: await size('download-json'), weights: await size('download-weights') };
  });
  for (const [id, file, bytes] of [['#download-json', files.json, sizes.json], ['#download-weights', files.weights, sizes.weights]] as const) {
    await page.click(id);
    const t0 = Date.now();
    while (!(existsSync(file) && statSync(file).size === bytes)) {
      if (Date.now() - t0 > 60_000) throw new Error(`${file}: the download did not finish in 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await cdp.detach();
  return files;
}
