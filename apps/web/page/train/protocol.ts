/**
 * Messages between the page and the training worker. Training, features and scoring run in the
 * worker; the page only shows what it reports and offers the checkpoint it sends.
 */
import type { PageErrorKind } from '../errors.js';
import type { BackboneSource, TrainSettings } from './settings.js';

/** The Train form's runtime choices. */
export type TrainRuntimeChoice = 'auto' | 'webgpu' | 'onnx';

/** The runtimes that train. */
export type TrainRuntimeName = 'webgpu' | 'onnxruntime-web';

/** Page to worker. */
export type ToWorker =
  | { type: 'start'; runtime: TrainRuntimeChoice; settings: TrainSettings; backbone: BackboneSource; train: File[]; test: File[] }
  /** Stop at the next step, keep what is trained. */
  | { type: 'stop' };

/** Seconds each phase took. */
export interface PhaseSeconds {
  decode: number;
  features: number;
  train: number;
  score: number;
  total: number;
}

/** Worker to page. */
export type FromWorker =
  | { type: 'phase'; text: string; done?: number; total?: number }
  | { type: 'runtime'; runtime: TrainRuntimeName; device: string; why: string }
  | { type: 'plan'; steps: number; images: number; testImages: number; summary: string }
  | { type: 'step'; step: number; loss: number; lossPerDim: number; gradNorm: number; lr: number; metaEpoch: number }
  /** A meta-epoch completed; its state is kept for a fallback. */
  | { type: 'epoch'; metaEpoch: number; lossPerDim: number }
  | { type: 'notice'; text: string }
  | {
      type: 'checkpoint';
      /** `model.json` text and `model.safetensors` bytes, as `msflow train` writes them. */
      json: string;
      weights: ArrayBuffer;
      /** `completed`, or `stopped` (by the Stop button) after `steps` steps. */
      status: 'completed' | 'stopped';
      steps: number;
    }
  /** A test image's user-facing score and NLL map (as `msflow predict` gives them). */
  | { type: 'scored'; name: string; score: number; map: Float32Array; rgb: Uint8Array; width: number; height: number }
  /**
   * The training ended; the worker is then terminated. `leakedTensors`: tensors the training
   * left alive on its runtime once its model and trainer were freed (0 unless something leaks;
   * absent when the worker itself failed).
   */
  | { type: 'done'; status: 'completed' | 'stopped' | 'failed'; seconds: PhaseSeconds; runtime?: TrainRuntimeName; leakedTensors?: number }
  | { type: 'error'; kind: PageErrorKind; message: string };
