import { mixerHidden } from './fusion.js';
import { countParams } from '../../flow/params.js';
import { latentShapes, type MSFlowConfig } from './config.js';
import { msflowParamSpecs } from './graph.js';

/** Trainable parameters of a configuration, in total and by part (spec §9.4's table). */
export interface ParameterCount {
  total: number;
  /** Per scale: all AllInOne blocks of that scale's parallel flow. */
  parallel: number[];
  /** Per scale: one AllInOne block. */
  perBlock: number[];
  /** Both Φ of the fusion coupling. */
  fusion: number;
  /** One Φ. */
  fusionPhi: number;
}

/**
 * Counts trainable parameters from the parameter specs alone: nothing is allocated, so the
 * paper preset (99,556,224) is counted instantly.
 *
 * @example
 * ```ts
 * countFlowParameters(presetConfig('paper')).total; // 99_556_224
 * ```
 */
export function countFlowParameters(config: MSFlowConfig): ParameterCount {
  const specs = msflowParamSpecs(config);
  const under = (prefix: string) => countParams(specs.filter((s) => s.name.startsWith(prefix)));
  const parallel = config.channels.map((_, l) => under(`parallel.${l}.`));
  return {
    total: countParams(specs),
    parallel,
    perBlock: parallel.map((n, l) => n / config.blocks[l]),
    fusion: under('fusion.'),
    fusionPhi: under('fusion.phi1.'),
  };
}

/** Multiply-accumulates of the flow convolutions for one image, forward only. */
export interface MacEstimate {
  /** Per scale, all blocks of its parallel flow. */
  parallel: number[];
  /** The fusion coupling (both Φ). */
  fusion: number;
  total: number;
}

/**
 * Estimates the convolution MACs of one forward pass per image at the configured input size
 * (element-wise work is a few percent on top). A training step costs about three times this
 * (forward, input gradients, filter gradients).
 *
 * @example
 * ```ts
 * estimateMacs(presetConfig('paper')).total; // ≈ 44.7e9
 * ```
 */
export function estimateMacs(config: MSFlowConfig): MacEstimate {
  const shapes = latentShapes(config);
  const conv = (cin: number, cout: number, pixels: number) => 9 * cin * cout * pixels;
  const parallel = shapes.map(([h, w, c], l) => {
    const active = Math.floor(c / 2);
    const hidden = c - active + config.condChannels;
    return config.blocks[l] * (conv(hidden, hidden, h * w) + conv(hidden, 2 * active, h * w));
  });
  const halves = config.channels.map((c) => c / 2);
  const total = halves.reduce((s, h) => s + h, 0);
  const hid = mixerHidden(config.channels);
  const coarse = Math.min(...shapes.map(([h]) => h)) * Math.min(...shapes.map(([, w]) => w));
  const heads = shapes.reduce((s, [h, w], l) => s + 2 * conv(halves[l], halves[l], h * w), 0);
  const fusion = 2 * (conv(total, hid, coarse) + conv(hid, total, coarse) + heads);
  return { parallel, fusion, total: parallel.reduce((s, v) => s + v, 0) + fusion };
}
