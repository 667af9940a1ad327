import { keep, tidy } from '../engine/engine.js';
import { tensor } from '../ops/creation.js';
import { add, relu, relu6 } from '../ops/elementwise.js';
import { avgPool, conv2d, maxPool } from '../ops/nn.js';
import { check, fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { inputConstraint, tapShapes, type TapPool } from './shapes.js';
import type { Activation, ArchSpec, ConvSpec, ConvStep, Preprocess } from './types.js';
import { BackboneWeightsError, countParameters, type BackboneWeights } from './weights.js';

/** One tap a backbone returns. */
export interface TapInfo {
  readonly name: string;
  readonly channels: number;
  /** Stride of the returned (pooled) map relative to the input. */
  readonly stride: number;
  /** Stride of the stage output before the tap pool. */
  readonly featureStride: number;
}

/**
 * A frozen feature extractor: parameters live on the active backend as core tensors.
 * `extract` returns one NHWC tensor per tap, each pooled 3x3/s2/p1 (count_include_pad) by default.
 */
export interface Backbone {
  /** Architecture id plus padding mode, e.g. `wide_resnet50_2/reflect`. */
  readonly id: string;
  readonly spec: ArchSpec;
  readonly taps: readonly TapInfo[];
  /** Input height and width must be multiples of `multipleOf` and at least `min`. */
  readonly inputSize: { readonly multipleOf: number; readonly min: number };
  /** The input normalisation the weights expect (apply it before `extract`). */
  readonly preprocess: Preprocess;
  readonly pool: TapPool;
  /** Where the weights came from (a file name, `random(seed)`, ...). */
  readonly weightsSource: string;
  readonly numParameters: number;
  /** Tap shapes [h, w, c] for an input of height x width, without computing. */
  outputShapes(height: number, width: number): [number, number, number][];
  /** Runs the graph on a normalised NHWC batch; the caller owns (and disposes) the results. */
  extract(x: Tensor): Tensor[];
  /** Frees the parameters. */
  dispose(): void;
}

/** Options of {@link createBackbone}. */
export interface CreateBackboneOptions {
  /** Tap post-processing (default `avg`: AvgPool 3x3, stride 2, padding 1, count_include_pad). */
  pool?: TapPool;
  /** Describes the weights for reports. */
  weightsSource?: string;
}

interface ConvParams {
  spec: ConvSpec;
  filter: Tensor;
  bias: Tensor;
}

const activate = (x: Tensor, act: Activation): Tensor => (act === 'relu' ? relu(x) : act === 'relu6' ? relu6(x) : x);

/**
 * Uploads folded weights to the active backend and returns the runnable backbone.
 *
 * @example
 * ```ts
 * const spec = architecture('wide_resnet50_2', { padMode: 'reflect' });
 * const backbone = createBackbone(spec, randomBackboneWeights(spec, new Rng(0)));
 * const [y1, y2, y3] = backbone.extract(x); // x: [n, 256, 256, 3], normalised
 * backbone.dispose();
 * ```
 */
export function createBackbone(spec: ArchSpec, weights: BackboneWeights, options: CreateBackboneOptions = {}): Backbone {
  const pool = options.pool ?? 'avg';
  const params = new Map<string, ConvParams>();
  const dispose = () => {
    for (const p of params.values()) {
      p.filter.dispose();
      p.bias.dispose();
    }
    params.clear();
  };
  try {
    for (const c of spec.convs) {
      const w = weights.get(c.key);
      if (!w) throw new BackboneWeightsError(`${options.weightsSource ?? 'weights'}: no weights for conv ${c.key} of ${spec.id}`);
      const shape = [c.kernel[0], c.kernel[1], c.inChannels / c.groups, c.outChannels];
      params.set(c.key, { spec: c, filter: keep(tensor(w.filter, shape)), bias: keep(tensor(w.bias, [c.outChannels])) });
    }
  } catch (err) {
    dispose();
    throw err;
  }
  const constraint = inputConstraint(spec, pool);
  const tapNodes = spec.taps.map((name) => spec.tapPoints.find((t) => t.name === name)!);

  const runSteps = (x: Tensor, steps: readonly ConvStep[]): Tensor => {
    let y = x;
    for (const s of steps) {
      const p = params.get(s.conv);
      if (!p) throw new Error(`backbone ${spec.id} was disposed`);
      const c = p.spec;
      y = activate(conv2d(y, p.filter, { bias: p.bias, stride: c.stride, padding: c.padding, padMode: spec.padMode, groups: c.groups }), s.act);
    }
    return y;
  };

  const extract = (x: Tensor): Tensor[] => {
    check(x.rank === 4 && x.shape[3] === 3, 'backbone.extract', `expected an NHWC batch with 3 channels, got ${fmt(x.shape)}`);
    const [, h, w] = x.shape;
    const { multipleOf, min } = constraint;
    check(
      h % multipleOf === 0 && w % multipleOf === 0 && h >= min && w >= min,
      'backbone.extract',
      `${spec.id}: input ${h}x${w} must be a multiple of ${multipleOf} and at least ${min} on each side`,
    );
    return tidy(() => {
      const outs = new Map<number, Tensor>();
      const last = Math.max(...tapNodes.map((t) => t.node));
      let y = x;
      for (let i = 0; i <= last; i++) {
        const n = spec.nodes[i];
        if (n.op === 'maxpool') y = maxPool(y, n.kernel, { stride: n.stride, padding: n.padding });
        else {
          const input = y;
          y = runSteps(input, n.steps);
          if (n.shortcut === 'identity') y = add(y, input);
          else if (n.shortcut) y = add(y, runSteps(input, n.shortcut));
          y = activate(y, n.act);
        }
        outs.set(i, y);
      }
      return tapNodes.map((t) => {
        const f = outs.get(t.node)!;
        if (pool === 'avg') return avgPool(f, 3, { stride: 2, padding: 1, countIncludePad: true });
        if (pool === 'max') return maxPool(f, 3, { stride: 2, padding: 1 });
        return f;
      });
    });
  };

  const factor = pool === 'none' ? 1 : 2;
  return {
    id: `${spec.id}/${spec.padMode}`,
    spec,
    taps: tapNodes.map((t) => ({ name: t.name, channels: t.channels, stride: t.stride * factor, featureStride: t.stride })),
    inputSize: constraint,
    preprocess: spec.preprocess,
    pool,
    weightsSource: options.weightsSource ?? 'in-memory weights',
    numParameters: countParameters(weights),
    outputShapes: (height, width) => tapShapes(spec, height, width, pool),
    extract,
    dispose,
  };
}
