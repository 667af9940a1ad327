/**
 * The page: Score mode loads a model (the one `msflow serve` preloaded, or picked files), scores
 * picked or dropped images on WebGPU or onnxruntime-web, and shows each heatmap, score and label;
 * Train mode (`train/`) trains one from normal images in a worker.
 */
import { openScorer, type Chosen, type RuntimeChoice } from './choose.js';
import { readImageFile } from './decode.js';
import { PageError, asPageError } from './errors.js';
import { loadServedModel, modelFromFiles, type ModelBundle } from './model.js';
import { addResult, byId, dropZone, setStatus, showMessage } from './view.js';
import { webgpuUnavailable } from './webgpu_scorer.js';
import { setupTrainMode } from './train/panel.js';

let bundle: ModelBundle | undefined;
let chosen: { choice: RuntimeChoice; model: ModelBundle; value: Chosen } | undefined;
let queue: Promise<void> = Promise.resolve();

const picker = byId<HTMLSelectElement>('runtime');

function describeModel(m: ModelBundle): string {
  const t = m.threshold ? `threshold ${m.threshold.value.toPrecision(6)} (${m.threshold.from})` : 'no threshold';
  return `model ${m.name} from ${m.origin}: ${m.inputSize.join('x')} input, backbone ${m.backbone.arch} (${m.backbone.source}), ${t}`;
}

function releaseScorer(): void {
  chosen?.value.scorer.dispose();
  chosen = undefined;
}

async function scorerFor(model: ModelBundle): Promise<Chosen> {
  const choice = picker.value as RuntimeChoice;
  if (chosen && chosen.choice === choice && chosen.model === model) return chosen.value;
  releaseScorer();
  setStatus('busy', `loading the model on ${choice === 'onnx' ? 'onnxruntime-web' : choice === 'webgpu' ? 'WebGPU' : 'the best runtime here'}...`);
  chosen = { choice, model, value: await openScorer(choice, model) };
  return chosen.value;
}

/** Scores files one after another; a bad file gets a message and the rest still run. */
async function scoreFiles(files: readonly File[]): Promise<void> {
  const model = bundle;
  if (!model) {
    showMessage(new PageError('model', 'load a model first: start the page with msflow serve <checkpoint>, or pick model.json with model.safetensors or the exported .onnx'));
    setStatus('error', 'no model');
    return;
  }
  let c: Chosen;
  try {
    c = await scorerFor(model);
  } catch (err) {
    showMessage(asPageError(err));
    setStatus('error', 'the model could not be loaded');
    return;
  }
  showMessage(undefined, c.notice);
  let done = 0;
  let failure: PageError | undefined;
  for (const file of files) {
    setStatus('busy', `scoring ${file.name} on ${c.scorer.runtime} (${done + 1}/${files.length})...`);
    try {
      const image = await readImageFile(file, model.inputSize);
      const scored = await c.scorer.score(image);
      // NaN >= threshold is false: a broken model would call every image normal.
      if (!Number.isFinite(scored.score)) {
        throw new PageError('model', `${file.name}: the model scored it ${scored.score} with ${model.name}, not a number; no label is given (a diverged or corrupted checkpoint?)`);
      }
      addResult(image, scored, c.scorer.runtime, model.threshold);
      done++;
    } catch (err) {
      failure = asPageError(err);
    }
  }
  if (failure) showMessage(failure);
  const where = `${c.scorer.runtime} (${c.scorer.device})`;
  setStatus('done', `scored ${done} of ${files.length} image${files.length === 1 ? '' : 's'} on ${where}`);
  byId('runtime-used').textContent = where;
}

async function useModelFiles(files: readonly File[]): Promise<void> {
  try {
    const m = await modelFromFiles(files);
    releaseScorer();
    bundle = m;
    byId('model').textContent = describeModel(m);
    showMessage(undefined);
    setStatus('ready', 'model loaded: pick or drop images');
  } catch (err) {
    showMessage(asPageError(err));
    setStatus('error', 'the model files were refused');
  }
}

/** Runs tasks one at a time, in order of arrival. */
function enqueue(task: () => Promise<void>): void {
  queue = queue.then(task, task);
}

function isModelFile(f: File): boolean {
  return /\.(json|safetensors|onnx)$/i.test(f.name);
}

function wire(): void {
  const images = byId<HTMLInputElement>('images');
  images.addEventListener('change', () => {
    const files = [...(images.files ?? [])];
    images.value = '';
    enqueue(() => scoreFiles(files));
  });
  const modelInput = byId<HTMLInputElement>('model-files');
  modelInput.addEventListener('change', () => {
    const files = [...(modelInput.files ?? [])];
    modelInput.value = '';
    enqueue(() => useModelFiles(files));
  });
  picker.addEventListener('change', () => enqueue(async () => releaseScorer()));
  dropZone('drop', (data) => {
    const files = [...data.files];
    const model = files.filter(isModelFile);
    const rest = files.filter((f) => !isModelFile(f));
    if (model.length) enqueue(() => useModelFiles(model));
    if (rest.length) enqueue(() => scoreFiles(rest));
  });
}

/** Shows Score or Train mode (`#train` in the address opens Train mode). */
function showMode(mode: 'score' | 'train'): void {
  for (const m of ['score', 'train'] as const) {
    byId(`${m}-mode`).hidden = m !== mode;
    byId(`mode-${m}`).setAttribute('aria-selected', String(m === mode));
  }
  if (location.hash !== (mode === 'train' ? '#train' : '')) history.replaceState(null, '', mode === 'train' ? '#train' : location.pathname + location.search);
}

async function start(): Promise<void> {
  wire();
  setupTrainMode();
  byId('mode-score').addEventListener('click', () => showMode('score'));
  byId('mode-train').addEventListener('click', () => showMode('train'));
  showMode(location.hash === '#train' ? 'train' : 'score');
  const why = await webgpuUnavailable();
  byId('gpu').textContent = why ? `WebGPU: not available (${why})` : 'WebGPU: available';
  byId('gpu').dataset.available = String(!why);
  if (why) showMessage(undefined, `WebGPU is not available in this browser (${why}); images will be scored with onnxruntime-web (WebAssembly).`);
  try {
    bundle = await loadServedModel();
  } catch (err) {
    showMessage(asPageError(err));
  }
  if (bundle) {
    byId('model').textContent = describeModel(bundle);
    setStatus('ready', 'model preloaded: pick or drop images');
  } else setStatus('idle', 'no model yet: pick model files (or start the page with msflow serve <checkpoint>)');
}

void start();
