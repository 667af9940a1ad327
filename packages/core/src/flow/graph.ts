import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FlowResult, InvertibleModule } from './module.js';
import type { ParamMap, ParamSpec } from './params.js';

/** One tensor slot: input `port` of the graph (`from: 'input'`) or output `port` of node `from`. */
export interface PortRef {
  readonly from: number | 'input';
  readonly port: number;
}

/** A node of a {@link FlowGraph}: its module, where each of its inputs comes from, which graph conditions it reads. */
export interface FlowNode {
  readonly module: InvertibleModule;
  readonly inputs: readonly PortRef[];
  /** Indices into the graph's conditions, passed to the module in this order (default none). */
  readonly conditions?: readonly number[];
}

/** Structure of a {@link FlowGraph}. */
export interface FlowGraphSpec {
  readonly inputs: number;
  /** Nodes in execution order; a node may only read graph inputs and earlier nodes. */
  readonly nodes: readonly FlowNode[];
  /** The graph's outputs, in order. */
  readonly outputs: readonly PortRef[];
}

const key = (p: PortRef): string => `${p.from}:${p.port}`;

/**
 * A small DAG of invertible modules (FrEIA's GraphINN). Nodes run in declaration order, which
 * is a fixed topological order: unlike GraphINN's set-based ordering, the same graph always
 * runs (and lists its parameters) the same way. Every slot must be consumed exactly once,
 * which is what makes the graph invertible.
 *
 * @example
 * ```ts
 * const g = new FlowGraph('msflow', {
 *   inputs: 2,
 *   nodes: [
 *     { module: flowA, inputs: [{ from: 'input', port: 0 }], conditions: [0] },
 *     { module: fusion, inputs: [{ from: 0, port: 0 }, { from: 'input', port: 1 }] },
 *   ],
 *   outputs: [{ from: 1, port: 0 }, { from: 1, port: 1 }],
 * });
 * ```
 */
export class FlowGraph implements InvertibleModule {
  readonly arity: number;

  constructor(
    readonly name: string,
    readonly spec: FlowGraphSpec,
  ) {
    this.arity = spec.inputs;
    if (spec.nodes.length === 0) throw new Error(`${name}: a graph needs at least one node`);
    if (spec.outputs.length !== spec.inputs) throw new Error(`${name}: ${spec.inputs} inputs but ${spec.outputs.length} outputs`);
    const produced = new Set<string>();
    for (let i = 0; i < spec.inputs; i++) produced.add(key({ from: 'input', port: i }));
    const consumed = new Set<string>();
    const consume = (p: PortRef, by: string) => {
      const k = key(p);
      if (!produced.has(k)) throw new Error(`${name}: ${by} reads slot ${k}, which no earlier node or graph input provides`);
      if (consumed.has(k)) throw new Error(`${name}: slot ${k} is read twice (${by}); an invertible graph reads each slot once`);
      consumed.add(k);
    };
    spec.nodes.forEach((node, i) => {
      if (node.inputs.length !== node.module.arity) {
        throw new Error(`${name}: node ${i} (${node.module.name}) takes ${node.module.arity} inputs, ${node.inputs.length} wired`);
      }
      for (const p of node.inputs) consume(p, `node ${i} (${node.module.name})`);
      for (let port = 0; port < node.module.arity; port++) produced.add(key({ from: i, port }));
    });
    for (const p of spec.outputs) consume(p, 'the graph outputs');
    const dangling = [...produced].filter((k) => !consumed.has(k));
    if (dangling.length > 0) throw new Error(`${name}: slots ${dangling.join(', ')} are never read`);
  }

  paramSpecs(): ParamSpec[] {
    return this.spec.nodes.flatMap((n) => n.module.paramSpecs());
  }

  forward(inputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    this.checkArity(inputs);
    const slots = new Map<string, Tensor>(inputs.map((x, i) => [key({ from: 'input', port: i }), x]));
    let logDet: Tensor | undefined;
    this.spec.nodes.forEach((node, i) => {
      const r = node.module.forward(node.inputs.map((p) => slots.get(key(p))!), this.conditionsOf(node, conditions), params);
      r.outputs.forEach((y, port) => slots.set(key({ from: i, port }), y));
      logDet = logDet ? add(logDet, r.logDet) : r.logDet;
    });
    return { outputs: this.spec.outputs.map((p) => slots.get(key(p))!), logDet: logDet! };
  }

  reverse(outputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    this.checkArity(outputs);
    const slots = new Map<string, Tensor>(this.spec.outputs.map((p, i) => [key(p), outputs[i]]));
    let logDet: Tensor | undefined;
    for (let i = this.spec.nodes.length - 1; i >= 0; i--) {
      const node = this.spec.nodes[i];
      const ys = Array.from({ length: node.module.arity }, (_, port) => slots.get(key({ from: i, port }))!);
      const r = node.module.reverse(ys, this.conditionsOf(node, conditions), params);
      r.outputs.forEach((x, j) => slots.set(key(node.inputs[j]), x));
      logDet = logDet ? add(logDet, r.logDet) : r.logDet;
    }
    return {
      outputs: Array.from({ length: this.spec.inputs }, (_, i) => slots.get(key({ from: 'input', port: i }))!),
      logDet: logDet!,
    };
  }

  private checkArity(xs: readonly Tensor[]): void {
    if (xs.length !== this.arity) throw new Error(`${this.name}: expects ${this.arity} tensors, got ${xs.length}`);
  }

  private conditionsOf(node: FlowNode, conditions: readonly Tensor[]): Tensor[] {
    return (node.conditions ?? []).map((c) => {
      const t = conditions[c];
      if (!t) throw new Error(`${this.name}: node ${node.module.name} reads condition ${c}, but only ${conditions.length} were given`);
      return t;
    });
  }
}
