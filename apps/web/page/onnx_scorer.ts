import { preprocessPixels, type Preprocess } from '@msflow/core';
import { PageError } from './errors.js';
import { ort } from './ort_web.js';
import type { ModelBundle } from './model.js';
import type { PageImage } from './decode.js';
import type { ScoredImage, Scorer } from './scorer.js';

// Scoring one image at a time: one thread, which needs no cross-origin isolation.
ort.env.wasm.numThreads = 1;

/** NHWC [H, W, 3] to NCHW [1, 3, H, W]. */
function toNchw(x: Float32Array, height: number, width: number): Float32Array {
  const px = height * width;
  const out = new Float32Array(3 * px);
  for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) out[c * px + i] = x[i * 3 + c];
  return out;
}

/** The `msflow export` model on onnxruntime-web's WebAssembly backend: the fallback without WebGPU. */
export class OnnxScorer implements Scorer {
  readonly runtime = 'onnxruntime-web';
  readonly device = 'WebAssembly (1 thread)';

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly preprocess: Preprocess,
  ) {}

  /** Opens the exported model; a model without msflow's inputs and outputs is refused. */
  static async open(bundle: ModelBundle): Promise<OnnxScorer> {
    if (!bundle.onnx) throw new PageError('model', 'onnxruntime-web needs the exported model: add the .onnx from msflow export');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(await bundle.onnx(), { executionProviders: ['wasm'] });
    } catch (err) {
      throw new PageError('model', `the .onnx file could not be opened: ${(err as Error).message.split('\n')[0]}`);
    }
    const missing = ['score', 'anomaly_map'].filter((n) => !session.outputNames.includes(n));
    if (!session.inputNames.includes('image') || missing.length) {
      await session.release();
      throw new PageError('model', 'this .onnx file is not an msflow export (expected input image and outputs anomaly_map, score): a model of another kind');
    }
    return new OnnxScorer(session, bundle.preprocess);
  }

  async score(image: PageImage): Promise<ScoredImage> {
    const { height, width } = image;
    const x = toNchw(preprocessPixels(image.image, this.preprocess), height, width);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run({ image: new ort.Tensor('float32', x, [1, 3, height, width]) });
    } catch (err) {
      throw new PageError('model', `the .onnx model could not score a ${height}x${width} image: ${(err as Error).message.split('\n')[0]} (an export of another model?)`);
    }
    const score = (out.score.data as Float32Array)[0];
    const map = Float32Array.from(out.anomaly_map.data as Float32Array);
    return { score, map };
  }

  dispose(): void {
    void this.session.release();
  }
}
