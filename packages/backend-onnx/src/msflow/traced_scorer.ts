import { scoreWith, transpose, type BatchScorer, type BatchScores, type MSFlowModel, type Tensor } from '@msflow/core';
import type { OnnxBackend } from '../backend.js';
import { CompiledOnnxFunction } from '../compile/compiled.js';
import type { OnnxSessionOptions } from '../runtime/session.js';
import { checkExecutionProviders } from '../runtime/providers.js';
import { onnxRuntime } from '../runtime/ort.js';
import { paramLayout, toGraphLayout } from './param_layout.js';

/** Where a trainer keeps parameters in the graph's layout (a `TracedTrainStep`). */
export interface GraphParamStore {
  /** The current parameters in the graph's layout, or undefined while the model's tensors are current. */
  graphParams(): readonly Float32Array[] | undefined;
}

/** Options of {@link TracedScorer}. */
export interface TracedScorerOptions {
  readonly executionProviders?: readonly string[];
  readonly session?: OnnxSessionOptions;
  readonly backend?: OnnxBackend;
  /**
   * The traced trainer's parameter store: scoring reads the trainer's arrays as they are (one
   * store for both programs), and reads the model's tensors only while the store is empty.
   */
  readonly params?: GraphParamStore;
}

/**
 * Test-time scoring of pooled features (flows, logp maps, add/mul/NLL maps, both top-k image scores) as
 * one traced ONNX program whose parameters are graph inputs: the program is traced once and
 * follows the model as training changes its parameters (they are re-read only when the model's
 * tensors were replaced). With `params` (a `TracedTrainStep`), it reads the trainer's own
 * graph-layout arrays instead: trainer and scorer share one parameter store, and the weights
 * leave onnxruntime only for checkpoints and eager consumers. Pass {@link TracedScorer.scorer}
 * to core's `evaluate`.
 *
 * @example
 * ```ts
 * const scoring = new TracedScorer(model);
 * const out = await evaluate(model, testFeatures, { scorer: scoring.scorer });
 * await scoring.dispose();
 * ```
 */
export class TracedScorer {
  private program: CompiledOnnxFunction | undefined;
  private programKey = '';
  private params: { of: readonly Tensor[]; arrays: Float32Array[] } | undefined;
  private readonly session: OnnxSessionOptions;

  constructor(
    readonly model: MSFlowModel,
    private readonly options: TracedScorerOptions = {},
  ) {
    const providers = checkExecutionProviders(options.executionProviders ?? ['cpu']);
    this.session = { graphOptimizationLevel: 'all', intraOpNumThreads: onnxRuntime().defaultThreads(), ...options.session, executionProviders: providers };
  }

  /** The `scorer` option of core's `evaluate`. */
  readonly scorer: BatchScorer = async (features, maps) => {
    const params = await this.currentParams();
    const specs = this.model.specs;
    const program = this.compiled(features.map((f) => f.shape.slice(1)));
    const out = await program.run([...features, ...params.map((data, i) => ({ data, shape: paramLayout(specs[i].shape).graphShape }))]);
    const scores: BatchScores = { imageScores: out[2].data, nllScores: out[4].data };
    if (maps) Object.assign(scores, { add: out[0].data, mul: out[1].data, nll: out[3].data });
    return scores;
  };

  async dispose(): Promise<void> {
    await this.program?.dispose();
  }

  private async currentParams(): Promise<readonly Float32Array[]> {
    const shared = this.options.params?.graphParams();
    if (shared) return shared;
    const tensors = this.model.paramTensors();
    if (this.params && this.params.of.every((t, i) => t === tensors[i])) return this.params.arrays;
    const arrays = await Promise.all(tensors.map(async (t, i) => {
      const d = await t.data();
      return toGraphLayout(d instanceof Float32Array ? d : Float32Array.from(d), this.model.specs[i].shape);
    }));
    this.params = { of: tensors, arrays };
    return arrays;
  }

  private compiled(shapes: readonly (readonly number[])[]): CompiledOnnxFunction {
    const key = JSON.stringify(shapes);
    if (this.program && key === this.programKey) return this.program;
    void this.program?.dispose();
    this.programKey = key;
    const model = this.model;
    const L = shapes.length;
    const layouts = model.specs.map((s) => paramLayout(s.shape));
    this.program = new CompiledOnnxFunction(
      (...xs) => {
        const params = xs.slice(L).map((t, i) => (layouts[i].toCore ? transpose(t, layouts[i].toCore!) : t));
        const maps = scoreWith(model.forwardWith(xs.slice(0, L), params).z, model.config);
        return { add: maps.add, mul: maps.mul, score: maps.imageScores, nll: maps.nll, nll_score: maps.nllScores };
      },
      {
        inputs: [...shapes.map((s, l) => ({ name: `y${l + 1}`, shape: [-1, ...s] })), ...layouts.map((l, i) => ({ name: `param${i}`, shape: l.graphShape }))],
        backend: this.options.backend,
        session: this.session,
        graphName: 'msflow_scoring',
      },
    );
    return this.program;
  }
}
