import { AllInOneBlock } from '../../flow/all_in_one.js';
import { FusionCoupling } from './fusion.js';
import { FlowGraph, type FlowNode } from '../../flow/graph.js';
import type { ParamSpec } from '../../flow/params.js';
import { PermuteRandom } from '../../flow/permute.js';
import { FlowSequence } from '../../flow/sequence.js';
import type { MSFlowConfig } from './config.js';
import { identityPermutations, validatePermutations, type MSFlowPermutations } from './permutations.js';

/**
 * The MSFlow graph (spec §3-4). Inputs: the pooled features of each scale; condition l: the
 * positional encoding of scale l. Nodes, in this order: one sequence of AllInOne blocks per
 * scale (`parallel.{l}.{k}`), one fixed permutation per scale (`fusion.perm{l}`), one fusion
 * coupling (`fusion`). Outputs: the fusion coupling's outputs.
 *
 * @example
 * ```ts
 * const graph = buildFlowGraph(config, drawPermutations(config, new Rng(config.seed)));
 * ```
 */
export function buildFlowGraph(config: MSFlowConfig, perms: MSFlowPermutations): FlowGraph {
  validatePermutations(config, perms);
  const scales = config.channels.length;
  const nodes: FlowNode[] = [];
  config.channels.forEach((c, l) => {
    const blocks = perms.parallel[l].map(
      (permutation, k) => new AllInOneBlock(`parallel.${l}.${k}`, { channels: c, condChannels: config.condChannels, clamp: config.clamp, permutation }),
    );
    nodes.push({ module: new FlowSequence(`parallel.${l}`, blocks), inputs: [{ from: 'input', port: l }], conditions: config.condChannels > 0 ? [l] : [] });
  });
  config.channels.forEach((_, l) => nodes.push({ module: new PermuteRandom(`fusion.perm${l}`, perms.fusion[l]), inputs: [{ from: l, port: 0 }] }));
  nodes.push({
    module: new FusionCoupling('fusion', { channels: config.channels, clamp: config.fusionClamp }),
    inputs: config.channels.map((_, l) => ({ from: scales + l, port: 0 })),
  });
  return new FlowGraph('msflow', { inputs: scales, nodes, outputs: config.channels.map((_, port) => ({ from: 2 * scales, port })) });
}

/**
 * Every trainable parameter of the model described by `config`, in initialisation order; allocates nothing.
 *
 * @example
 * ```ts
 * msflowParamSpecs(presetConfig('paper')).length; // 156 tensors, no memory used
 * ```
 */
export function msflowParamSpecs(config: MSFlowConfig): ParamSpec[] {
  return buildFlowGraph(config, identityPermutations(config)).paramSpecs();
}
