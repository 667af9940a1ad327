import { PageError } from './errors.js';
import { ort } from './ort_web.js';
import type { ModelBundle } from './model.js';
import type { PageImage } from './decode.js';
import type { ScoredImage, Scorer } from './scorer.js';

// Scoring one image at a time: one thread, which needs no cross-origin isolation.
ort.env.wasm.numThreads = 1;

/**
 * The `msflow export` model on onnxruntime-web's WebAssembly backend: the fallback without
 * WebGPU. The model takes the resized 8-bit RGB image itself (its preprocessing is inside).
 */
export class OnnxScorer implements Scorer {
  readonly runtime = 'onnxruntime-web';
  readonly device = 'WebAssembly (1 thread)';

  private constructor(private readonly session: ort.InferenceSession) {}

  /** Opens the exported model; a model without msflow's inputs and outputs is refused. */
  static async open(bundle: ModelBundle): Promise<OnnxScorer> {
    if (!bundle.onnx) throw new PageError('model', 'onnxruntime-web needs the exported model: add the .onnx from msflow export');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(await bundle.onnx(), { executionProviders: ['wasm'] });
    } catch (err) {
      throw new PageError('model', `the .onnx file could not be opened: ${(err as Error).message.split('\n')[0]}`);
    }
    const missing = ['score', 'map'].filter((n) => !session.outputNames.includes(n));
    if (!session.inputNames.includes('image') || missing.length) {
      await session.release();
      throw new PageError('model', 'this .onnx file is not an msflow export (expected input image and outputs score, map): a model of another kind, or an export from an older msflow');
    }
    return new OnnxScorer(session);
  }

  async score(image: PageImage): Promise<ScoredImage> {
    const { height, width } = image;
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run({ image: new ort.Tensor('uint8', image.rgb, [1, height, width, 3]) });
    } catch (err) {
      throw new PageError('model', `the .onnx model could not score a ${height}x${width} image: ${(err as Error).message.split('\n')[0]} (an export of another model?)`);
    }
    const score = (out.score.data as Float32Array)[0];
    const map = Float32Array.from(out.map.data as Float32Array);
    return { score, map };
  }

  dispose(): void {
    void this.session.release();
  }
}
