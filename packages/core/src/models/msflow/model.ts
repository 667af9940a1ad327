import { dispose, keep, tidy } from '../../engine/engine.js';
import type { FlowGraph } from '../../flow/graph.js';
import { assertUniqueNames, initParams, type ParamSpec } from '../../flow/params.js';
import { positionalEncoding } from '../../flow/positional.js';
import type { NamedArray } from '../../io/safetensors.js';
import { tensor } from '../../ops/creation.js';
import { Rng, type RngState } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { validateConfig, type MSFlowConfig } from './config.js';
import { buildFlowGraph } from './graph.js';
import { drawPermutations, type MSFlowPermutations } from './permutations.js';

/** Latents of a forward pass: one [N, h, w, C] tensor per scale and the total log-det [N]. */
export interface Latents {
  z: Tensor[];
  logDet: Tensor;
}

/**
 * An MSFlow model: configuration, fixed permutations, the flow graph and its parameter tensors
 * (owned by the model; {@link MSFlowModel.dispose} frees them).
 *
 * @example
 * ```ts
 * const model = MSFlowModel.create(presetConfig('cpu'));
 * const { z, logDet } = model.forward([y1, y2, y3]);
 * model.dispose();
 * ```
 */
export class MSFlowModel {
  readonly graph: FlowGraph;
  readonly specs: readonly ParamSpec[];
  /** State of the model's generator after initialisation: training continues from it. */
  readonly rngState: RngState;
  private values: Map<string, Tensor>;
  private freed = false;

  private constructor(
    readonly config: MSFlowConfig,
    readonly permutations: MSFlowPermutations,
    makeParams: (specs: readonly ParamSpec[]) => Map<string, Tensor>,
    rngState: () => RngState,
  ) {
    validateConfig(config);
    this.graph = buildFlowGraph(config, permutations);
    this.specs = this.graph.paramSpecs();
    assertUniqueNames(this.specs);
    this.values = makeParams(this.specs);
    this.rngState = rngState();
  }

  /**
   * A freshly initialised model. One generator seeded with `config.seed` draws the permutations
   * (see {@link drawPermutations}), then every parameter in spec order (PyTorch defaults).
   */
  static create(config: MSFlowConfig): MSFlowModel {
    validateConfig(config);
    const rng = new Rng(config.seed);
    const perms = drawPermutations(config, rng);
    return new MSFlowModel(structuredClone(config), perms, (specs) => initParams(specs, rng), () => rng.getState());
  }

  /**
   * A model from stored values (a checkpoint). `arrays` must hold every parameter with its
   * shape; the caller validates first (see `deserializeCheckpoint`).
   */
  static fromArrays(config: MSFlowConfig, permutations: MSFlowPermutations, arrays: ReadonlyMap<string, NamedArray>, rngState: RngState): MSFlowModel {
    return new MSFlowModel(structuredClone(config), structuredClone(permutations), (specs) => {
      const out = new Map<string, Tensor>();
      for (const s of specs) {
        const a = arrays.get(s.name);
        if (!a || a.shape.length !== s.shape.length || a.shape.some((d, i) => d !== s.shape[i])) {
          dispose([...out.values()]);
          throw new Error(`fromArrays: parameter ${s.name} is ${a ? `[${a.shape.join(',')}]` : 'missing'}, expected [${s.shape.join(',')}]`);
        }
        out.set(s.name, keep(tensor(a.data, s.shape)));
      }
      return out;
    }, () => [...rngState] as RngState);
  }

  /** Current parameter values by name. */
  get params(): ReadonlyMap<string, Tensor> {
    this.assertAlive();
    return this.values;
  }

  /** Parameter tensors in spec order (the order optimizers and checkpoints use). */
  paramTensors(): Tensor[] {
    this.assertAlive();
    return this.specs.map((s) => this.values.get(s.name)!);
  }

  /**
   * Replaces every parameter (spec order), taking ownership of `next` and disposing the
   * previous tensors. Optimizers call this after each step.
   */
  setParams(next: readonly Tensor[]): void {
    this.assertAlive();
    if (next.length !== this.specs.length) throw new Error(`setParams: expected ${this.specs.length} tensors, got ${next.length}`);
    const old = this.paramTensors();
    this.specs.forEach((s, i) => {
      const t = next[i];
      if (t.rank !== s.shape.length || t.shape.some((d, j) => d !== s.shape[j])) {
        throw new Error(`setParams: ${s.name} must be [${s.shape.join(',')}], got [${t.shape.join(',')}]`);
      }
      this.values.set(s.name, keep(t));
    });
    const kept = new Set(next);
    for (const t of old) if (!kept.has(t)) t.dispose();
  }

  /** The positional encodings (one per scale) for a batch of features. */
  conditions(features: readonly Tensor[]): Tensor[] {
    if (this.config.condChannels === 0) return [];
    return features.map((f) => positionalEncoding(f.shape[1], f.shape[2], this.config.condChannels, f.shape[0]));
  }

  /**
   * Maps pooled features (one NHWC tensor per scale) to latents and the total log-det per image.
   * Intermediate tensors are freed; under a gradient tape they stay until the tape is done.
   */
  forward(features: readonly Tensor[]): Latents {
    this.checkFeatures(features, 'forward');
    return tidy(() => {
      const r = this.graph.forward(features, this.conditions(features), this.values);
      return { z: r.outputs, logDet: r.logDet };
    });
  }

  /**
   * {@link forward} with other parameter values (spec order) in place of the model's own: a
   * traced training step passes its graph inputs here, so the parameters stay outside the graph.
   */
  forwardWith(features: readonly Tensor[], params: readonly Tensor[]): Latents {
    this.checkFeatures(features, 'forwardWith');
    if (params.length !== this.specs.length) throw new Error(`forwardWith: expected ${this.specs.length} parameters, got ${params.length}`);
    const values = new Map(this.specs.map((s, i) => [s.name, params[i]]));
    return tidy(() => {
      const r = this.graph.forward(features, this.conditions(features), values);
      return { z: r.outputs, logDet: r.logDet };
    });
  }

  /** Inverts {@link forward}: latents back to features; `logDet` is log|det| of the inverse. */
  reverse(z: readonly Tensor[]): { features: Tensor[]; logDet: Tensor } {
    this.checkFeatures(z, 'reverse');
    return tidy(() => {
      const r = this.graph.reverse(z, this.conditions(z), this.values);
      return { features: r.outputs, logDet: r.logDet };
    });
  }

  /** Downloads every parameter as float32 (spec order), e.g. for a checkpoint. */
  async paramArrays(): Promise<Map<string, NamedArray>> {
    this.assertAlive();
    const out = new Map<string, NamedArray>();
    for (const s of this.specs) {
      const data = await this.values.get(s.name)!.data();
      out.set(s.name, { shape: [...s.shape], data: data instanceof Float32Array ? data : Float32Array.from(data) });
    }
    return out;
  }

  /** Frees the parameter tensors; the model is unusable afterwards. */
  dispose(): void {
    if (this.freed) return;
    dispose([...this.values.values()]);
    this.values.clear();
    this.freed = true;
  }

  private assertAlive(): void {
    if (this.freed) throw new Error('MSFlowModel: the model was disposed');
  }

  private checkFeatures(xs: readonly Tensor[], op: string): void {
    this.assertAlive();
    const want = this.config.channels;
    if (xs.length !== want.length || xs.some((x, l) => x.rank !== 4 || x.shape[3] !== want[l])) {
      throw new Error(
        `MSFlowModel.${op}: expected ${want.length} NHWC tensors with channels [${want.join(',')}], ` +
          `got ${xs.map((x) => `[${x.shape.join(',')}]`).join(', ')}`,
      );
    }
  }
}
