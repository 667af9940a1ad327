import { PageError } from './errors.js';
import type { ModelBundle } from './model.js';
import { OnnxScorer } from './onnx_scorer.js';
import type { Scorer } from './scorer.js';
import { WebgpuScorer, webgpuUnavailable } from './webgpu_scorer.js';

/** The backend picker's choices. */
export type RuntimeChoice = 'auto' | 'webgpu' | 'onnx';

/** A scorer, and a notice for the page when it is not the one asked for. */
export interface Chosen {
  scorer: Scorer;
  notice?: string;
}

/**
 * Opens the scorer the picker asks for. `auto` takes WebGPU when an adapter exists and the
 * checkpoint weights are there, else onnxruntime-web, saying why in the notice; `webgpu` without
 * WebGPU fails with a `webgpu` error.
 */
export async function openScorer(choice: RuntimeChoice, bundle: ModelBundle): Promise<Chosen> {
  if (choice === 'onnx') return { scorer: await OnnxScorer.open(bundle) };
  const why = await webgpuUnavailable();
  if (choice === 'webgpu') {
    if (why) throw new PageError('webgpu', `WebGPU is not available in this browser: ${why}. Pick onnxruntime-web (WebAssembly) instead.`);
    return { scorer: await WebgpuScorer.open(bundle) };
  }
  if (why) {
    if (!bundle.onnx) throw new PageError('webgpu', `WebGPU is not available in this browser (${why}), and the fallback needs the exported .onnx model`);
    return { scorer: await OnnxScorer.open(bundle), notice: `WebGPU is not available in this browser (${why}). Scoring with onnxruntime-web (WebAssembly) instead.` };
  }
  if (!bundle.weights) return { scorer: await OnnxScorer.open(bundle), notice: 'No checkpoint weights were given, so the exported .onnx runs on onnxruntime-web.' };
  return { scorer: await WebgpuScorer.open(bundle) };
}
