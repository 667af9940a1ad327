/**
 * The flow graph: an invertible-module contract, sequence and DAG containers, and the generic
 * modules MSFlow builds on (AllInOne coupling, fixed permutation, positional encoding). MSFlow's
 * own fusion coupling lives with the model (`models/msflow/fusion.ts`).
 *
 * @packageDocumentation
 */
export * from './params.js';
export type { FlowResult, InvertibleModule } from './module.js';
export { assertPermutation, invertPermutation } from './permutation.js';
export { conv3x3, channelLayerNorm, convLnReluConv, convLnReluConvSpecs } from './layers.js';
export { AllInOneBlock, type AllInOneOptions } from './all_in_one.js';
export { PermuteRandom } from './permute.js';
export { FlowSequence } from './sequence.js';
export { FlowGraph, type FlowGraphSpec, type FlowNode, type PortRef } from './graph.js';
export { positionalEncoding, positionalEncodingArray } from './positional.js';
