/**
 * Train mode: normal images (a folder, files, or a drop) and optional test images in; a worker
 * trains; progress, loss curve, runtime, test heatmaps and the checkpoint's two files out.
 */
import { PageError, asPageError } from '../errors.js';
import { storedThreshold, type ModelBundle, type PageThreshold } from '../model.js';
import { addResult, byId, dropZone, setStatus, showMessage } from '../view.js';
import { servedBackbone } from './backbone.js';
import { LossCurve } from './loss_curve.js';
import type { FromWorker, PhaseSeconds, ToWorker, TrainRuntimeChoice } from './protocol.js';
import { DEFAULT_SETTINGS, type BackboneSource, type TrainSettings } from './settings.js';

const STATUS = 'train-status';
const MESSAGE = 'train-message';

let normal: File[] = [];
let test: File[] = [];
let worker: Worker | undefined;
let urls: string[] = [];
let threshold: PageThreshold | undefined;
let runtimeName = '';
let curve: LossCurve;

/** Files of a dropped folder (recursively) or of dropped files. */
async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const entries = [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const files: File[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (e.isFile) files.push(await new Promise<File>((ok, fail) => (e as FileSystemFileEntry).file(ok, fail)));
    else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const e of entries) await walk(e);
  return files;
}

/** Shows what is picked; `ready` only replaces an idle or ready status (a finished run's stays). */
function showSelection(): void {
  const n = `${normal.length} normal image${normal.length === 1 ? '' : 's'}`;
  byId('train-selection').textContent = test.length ? `${n}, ${test.length} test image${test.length === 1 ? '' : 's'}` : `${n} (add test images to see heatmaps)`;
  byId<HTMLButtonElement>('train-start').disabled = normal.length === 0 || !!worker;
  const state = byId(STATUS).dataset.state;
  if (!worker && (state === 'idle' || state === 'ready')) setStatus(normal.length ? 'ready' : 'idle', normal.length ? 'ready to train' : 'pick or drop a folder of normal images', STATUS);
}

function settings(): TrainSettings {
  const num = (id: string, fallback: number) => {
    const v = Number(byId<HTMLInputElement>(id).value);
    return Number.isFinite(v) ? v : fallback;
  };
  return {
    preset: DEFAULT_SETTINGS.preset,
    size: num('train-size', DEFAULT_SETTINGS.size),
    epochs: num('train-epochs', DEFAULT_SETTINGS.epochs),
    subEpochs: num('train-passes', DEFAULT_SETTINGS.subEpochs),
    batchSize: num('train-batch', DEFAULT_SETTINGS.batchSize),
    seed: num('train-seed', DEFAULT_SETTINGS.seed),
  };
}

function setProgress(value: number, max: number): void {
  const bar = byId<HTMLProgressElement>('train-progress');
  bar.max = Math.max(1, max);
  bar.value = value;
}

function clearRun(): void {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
  threshold = undefined;
  byId('train-downloads').replaceChildren();
  byId('train-results').replaceChildren();
  byId('train-runtime-used').textContent = '';
  delete byId('train-runtime-used').dataset.runtime;
  delete byId(STATUS).dataset.seconds;
  delete byId(STATUS).dataset.leakedTensors;
  showMessage(undefined, undefined, MESSAGE);
  setProgress(0, 1);
  curve.reset(1);
}

function offerCheckpoint(m: Extract<FromWorker, { type: 'checkpoint' }>): void {
  threshold = storedThreshold(JSON.parse(m.json) as ModelBundle['sidecar']);
  const link = (id: string, name: string, blob: Blob) => {
    const a = document.createElement('a');
    a.id = id;
    a.download = name;
    a.href = URL.createObjectURL(blob);
    urls.push(a.href);
    a.textContent = `${name} (${(blob.size / 1048576).toFixed(1)} MB)`;
    return a;
  };
  const what = m.status === 'completed' ? `the trained checkpoint (${m.steps} steps)` : `the checkpoint as stopped (${m.steps} steps)`;
  byId('train-downloads').replaceChildren(
    `Download ${what}, for msflow predict / test / serve: `,
    link('download-json', 'model.json', new Blob([m.json], { type: 'application/json' })),
    ' + ',
    link('download-weights', 'model.safetensors', new Blob([m.weights], { type: 'application/octet-stream' })),
  );
}

function describeSeconds(s: PhaseSeconds): string {
  const f = (v: number) => `${v.toFixed(1)} s`;
  return `${f(s.total)} (images ${f(s.decode)}, features ${f(s.features)}, training ${f(s.train)}, threshold and scoring ${f(s.score)})`;
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'phase':
      setStatus('busy', m.text, STATUS);
      if (m.total) setProgress(m.done ?? 0, m.total);
      break;
    case 'runtime': {
      runtimeName = m.runtime;
      const el = byId('train-runtime-used');
      el.dataset.runtime = m.runtime;
      el.textContent = `training on ${m.runtime === 'webgpu' ? 'WebGPU (msflow WGSL kernels)' : 'onnxruntime-web (traced train-step graph)'}: ${m.device}; why: ${m.why}`;
      break;
    }
    case 'plan':
      curve.reset(m.steps);
      setProgress(0, m.steps);
      setStatus('busy', `training: ${m.summary}`, STATUS);
      break;
    case 'step':
      curve.add(m.step, m.loss, m.lossPerDim);
      setProgress(m.step, byId<HTMLProgressElement>('train-progress').max);
      setStatus('busy', `training step ${m.step}/${byId<HTMLProgressElement>('train-progress').max} (epoch ${m.metaEpoch + 1}), loss/dim ${m.lossPerDim.toFixed(4)}`, STATUS);
      break;
    case 'epoch':
      curve.epochEnd();
      break;
    case 'notice':
      showMessage(undefined, m.text, MESSAGE);
      break;
    case 'checkpoint':
      offerCheckpoint(m);
      break;
    case 'scored':
      addResult({ name: m.name, width: m.width, height: m.height, rgb: m.rgb }, { score: m.score, map: m.map }, runtimeName, threshold, 'train-results');
      break;
    case 'error':
      showMessage(new PageError(m.kind, m.message), undefined, MESSAGE);
      break;
    case 'done': {
      worker?.terminate();
      worker = undefined;
      byId<HTMLButtonElement>('train-stop').disabled = true;
      byId(STATUS).dataset.seconds = JSON.stringify(m.seconds);
      if (m.leakedTensors !== undefined) byId(STATUS).dataset.leakedTensors = String(m.leakedTensors);
      const where = m.runtime ? ` on ${m.runtime}` : '';
      if (m.status === 'failed') setStatus('error', `training failed${where} after ${m.seconds.total.toFixed(1)} s`, STATUS);
      else if (m.status === 'stopped') setStatus('stopped', `stopped${where}: ${describeSeconds(m.seconds)}`, STATUS);
      else setStatus('done', `trained${where} in ${describeSeconds(m.seconds)}`, STATUS);
      showSelection();
      break;
    }
  }
}

let backbone: Promise<BackboneSource> | undefined;

async function start(): Promise<void> {
  if (worker) return;
  clearRun();
  let source: BackboneSource;
  try {
    source = await (backbone ??= servedBackbone());
  } catch (err) {
    backbone = undefined;
    showMessage(asPageError(err), undefined, MESSAGE);
    setStatus('error', 'cannot train without the backbone weights', STATUS);
    return;
  }
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'msflow-train' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    onMessage({ type: 'error', kind: 'internal', message: `the training worker failed: ${e.message || 'no details'}` });
    onMessage({ type: 'done', status: 'failed', seconds: { decode: 0, features: 0, train: 0, score: 0, total: 0 } });
  };
  byId<HTMLButtonElement>('train-start').disabled = true;
  byId<HTMLButtonElement>('train-stop').disabled = false;
  setStatus('busy', 'starting the training worker...', STATUS);
  const msg: ToWorker = { type: 'start', runtime: byId<HTMLSelectElement>('train-runtime').value as TrainRuntimeChoice, settings: settings(), backbone: source, train: normal, test };
  worker.postMessage(msg);
}

function stop(): void {
  if (!worker) return;
  worker.postMessage({ type: 'stop' } satisfies ToWorker);
  byId<HTMLButtonElement>('train-stop').disabled = true;
  setStatus('busy', 'stopping after the current step...', STATUS);
}

/** Wires Train mode's inputs, drop zone and buttons. */
export function setupTrainMode(): void {
  curve = new LossCurve(byId<HTMLCanvasElement>('loss-curve'));
  curve.reset(1);
  const pick = (id: string, use: (files: File[]) => void) => {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      use([...(input.files ?? [])]);
      input.value = '';
      if (!worker) setStatus('idle', '', STATUS);
      showSelection();
    });
  };
  pick('train-files', (f) => (normal = f));
  pick('train-folder', (f) => (normal = f));
  pick('train-test', (f) => (test = f));
  dropZone('train-drop', (data) =>
    void droppedFiles(data.items).then((files) => {
      normal = files;
      showSelection();
    }),
  );
  byId('train-start').addEventListener('click', () => void start());
  byId('train-stop').addEventListener('click', stop);
  showSelection();
}
