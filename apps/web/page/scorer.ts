import type { PageImage } from './decode.js';

/**
 * One scored image: the user-facing score (top-k mean of the negative log-likelihood map) and
 * that map at the input size.
 */
export interface ScoredImage {
  score: number;
  map: Float32Array;
}

/** A loaded model on one runtime, scoring one image at a time. */
export interface Scorer {
  /** `webgpu` (our WGSL backend) or `onnxruntime-web`. */
  readonly runtime: 'webgpu' | 'onnxruntime-web';
  /** What it runs on, e.g. the adapter's name. */
  readonly device: string;
  score(image: PageImage): Promise<ScoredImage>;
  dispose(): void;
}
