import { mapColorRange, normalizeScore } from '@msflow/core';
import type { RgbImage } from '@msflow/data/browser';
import { defectOverlay, heatmapOverlay } from '@msflow/eval/browser';
import type { PageError } from './errors.js';
import type { PageThreshold } from './model.js';
import type { PageImage } from './decode.js';
import type { ScoredImage } from './scorer.js';

/** The element with `id`, typed; the page's HTML defines every id this module asks for. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: #${id} is missing from index.html`);
  return el as T;
}

/** Makes `#id` a drop zone: highlighted while something is dragged over it, `onDrop` gets the drop. */
export function dropZone(id: string, onDrop: (data: DataTransfer) => void): void {
  const zone = byId(id);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer) onDrop(e.dataTransfer);
  });
}

/** Draws an 8-bit RGB image into a new canvas of its size. */
function rgbCanvas(img: RgbImage, className: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.className = className;
  const ctx = canvas.getContext('2d')!;
  const data = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    data.data[i * 4] = img.data[i * 3];
    data.data[i * 4 + 1] = img.data[i * 3 + 1];
    data.data[i * 4 + 2] = img.data[i * 3 + 2];
    data.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  return canvas;
}

/** Shows (or clears, with undefined) a mode's message line (`#message` unless `id` says): errors in red, notices in amber. */
export function showMessage(err: PageError | undefined, notice?: string, id = 'message'): void {
  const box = byId(id);
  box.textContent = err ? err.message : (notice ?? '');
  box.dataset.kind = err ? err.kind : notice ? 'notice' : '';
  box.hidden = !err && !notice;
}

/** Sets a mode's status line (`#status` unless `id` says) and its state (`ready`, `busy`, `done`, `error`, ...) for people and tests. */
export function setStatus(state: 'idle' | 'ready' | 'busy' | 'done' | 'stopped' | 'error', text: string, id = 'status'): void {
  const el = byId(id);
  el.dataset.state = state;
  el.textContent = text;
}

/**
 * Adds one result first in `#results` (or `into`): the image, its heatmap overlay (the model's
 * one colour scale and the defect contour, when the model stores them), score, normalised score
 * and label.
 */
export function addResult(image: Pick<PageImage, 'name' | 'width' | 'height' | 'rgb'>, r: ScoredImage, runtime: string, threshold?: PageThreshold, into = 'results'): void {
  const rgb = { width: image.width, height: image.height, data: image.rgb };
  const fig = document.createElement('figure');
  fig.className = 'result';
  const label = threshold ? (r.score >= threshold.value ? 'anomalous' : 'normal') : 'no threshold';
  Object.assign(fig.dataset, { file: image.name, score: String(r.score), label, runtime });
  const cap = document.createElement('figcaption');
  cap.innerHTML = `<span class="name"></span><span class="score"></span><span class="label ${label.replace(' ', '-')}"></span>`;
  cap.querySelector('.name')!.textContent = image.name;
  const normalized = threshold?.normalization ? normalizeScore(r.score, threshold.normalization) : undefined;
  if (normalized !== undefined) fig.dataset.normalized = String(normalized);
  cap.querySelector('.score')!.textContent = `score ${r.score.toPrecision(6)}${normalized !== undefined ? ` (${normalized.toFixed(4)})` : ''}`;
  cap.querySelector('.label')!.textContent = label;
  const pixel = threshold?.pixel;
  const heat = pixel ? defectOverlay(rgb, r.map, { ...mapColorRange(pixel), threshold: pixel.threshold }) : heatmapOverlay(rgb, r.map);
  fig.append(rgbCanvas(rgb, 'image'), rgbCanvas(heat, 'heatmap'), cap);
  byId(into).prepend(fig);
}
