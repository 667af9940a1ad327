import { expectedWeightShape, foldConv, type RawConv } from '../fold.js';
import type { ArchSpec } from '../types.js';
import { assembleWeights, BackboneWeightsError, expectedTensorNames, requireTensor, type BackboneWeights } from '../weights.js';
import type { OnnxModel } from './read.js';

/** How {@link onnxBackboneWeights} matched initializers to the graph. */
export type OnnxMatch = 'names' | 'order';

/**
 * Imports backbone weights from a parsed ONNX model. When the initializers carry the
 * architecture's own parameter names (a torchvision export without BatchNorm fusion, or a file
 * written by msflow) they are matched by name; otherwise the Conv nodes are matched in graph order
 * (a PyTorch export fuses BatchNorm into Conv and renames the weights), checking every weight
 * shape, group and stride. A BatchNormalization right after a Conv is folded.
 *
 * @example
 * ```ts
 * const { weights, match } = onnxBackboneWeights(architecture('wide_resnet50_2', { padMode: 'reflect' }), readOnnxModel(bytes));
 * ```
 */
export function onnxBackboneWeights(spec: ArchSpec, model: OnnxModel): { weights: BackboneWeights; match: OnnxMatch } {
  const names = model.store.names();
  const have = new Set(names);
  const wanted = expectedTensorNames(spec, spec.naming);
  if (wanted.length > 0 && wanted.every((n) => have.has(n))) return { weights: assembleWeights(spec, model.store), match: 'names' };
  return { weights: byOrder(spec, model), match: 'order' };
}

function byOrder(spec: ArchSpec, model: OnnxModel): BackboneWeights {
  const src = model.source;
  if (model.convs.length < spec.convs.length) {
    throw new BackboneWeightsError(
      `${src}: has ${model.convs.length} Conv nodes and no ${spec.naming}-named initializers; the ${spec.id} graph needs ${spec.convs.length} convolutions`,
    );
  }
  const out: BackboneWeights = new Map();
  spec.convs.forEach((c, i) => {
    const node = model.convs[i];
    const where = `Conv node #${i} '${node.node}' (graph conv ${c.key})`;
    if (node.group !== c.groups) throw new BackboneWeightsError(`${src}: ${where} has group ${node.group}, the ${spec.id} graph expects ${c.groups}`);
    if (node.strides.some((s) => s !== c.stride)) {
      throw new BackboneWeightsError(`${src}: ${where} has strides [${node.strides.join(',')}], the ${spec.id} graph expects ${c.stride}`);
    }
    const raw: RawConv = { weight: requireTensor(model.store, node.weight, expectedWeightShape(c, 'OIHW'), spec, c), layout: 'OIHW' };
    if (node.bias) raw.bias = requireTensor(model.store, node.bias, [c.outChannels], spec, c);
    if (node.bn) {
      const [gamma, beta, mean, variance] = [node.bn.scale, node.bn.bias, node.bn.mean, node.bn.variance].map((n) => requireTensor(model.store, n, [c.outChannels], spec, c));
      raw.bn = { gamma, beta, mean, variance, epsilon: node.bn.epsilon };
    }
    out.set(c.key, foldConv(c, raw));
  });
  return out;
}
