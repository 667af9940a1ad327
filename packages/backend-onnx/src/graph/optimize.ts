import type { GraphSpec, NodeSpec } from './types.js';

/** Element-wise ops of one tensor input (extra inputs are scalars) that commute with a Transpose. */
const UNARY = new Set(['Relu', 'Exp', 'Log', 'Tanh', 'Atan', 'Sigmoid', 'Softplus', 'Sqrt', 'Neg', 'Abs', 'Sign', 'Clip', 'Cast', 'Identity']);
/** Element-wise ops of two inputs that commute with a Transpose applied to both. */
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Greater']);

const permOf = (n: NodeSpec): number[] => n.attrs.perm as number[];
const isIdentity = (p: readonly number[]): boolean => p.every((v, i) => v === i);

/** Counts, per value, the node inputs and graph outputs that use it. */
function useCounts(graph: GraphSpec): Map<string, number> {
  const uses = new Map<string, number>();
  const add = (v: string) => uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const n of graph.nodes) n.inputs.forEach(add);
  graph.outputs.forEach((o) => add(o.name));
  return uses;
}

function producers(graph: GraphSpec): Map<string, NodeSpec> {
  const m = new Map<string, NodeSpec>();
  for (const n of graph.nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

/** A constant every broadcast treats alike whatever the axis order: all dimensions 1. */
function isScalarLike(graph: GraphSpec, v: string, rank: number): boolean {
  const init = graph.initializers.get(v);
  if (!init) return graph.scalars?.has(v) ?? false;
  return init.dims.length <= rank && init.dims.every((d) => d === 1);
}

/** A ReduceSum/ReduceMean over every axis of a value of rank `rank` without keepdims: blind to axis order. */
function reducesEverything(graph: GraphSpec, node: NodeSpec, rank: number): boolean {
  if ((node.opType !== 'ReduceSum' && node.opType !== 'ReduceMean') || node.attrs.keepdims !== 0) return false;
  const axes = graph.initializers.get(node.inputs[1])?.values;
  if (!(axes instanceof BigInt64Array) || axes.length !== rank) return false;
  return new Set(Array.from(axes, (a) => Number(a < 0n ? a + BigInt(rank) : a))).size === rank;
}

/**
 * One rewriting sweep; returns whether anything changed. Rules: Transpose∘Transpose composes
 * (cancelling to nothing when the composition is the identity); a reduction over every axis
 * reads past a Transpose; an element-wise op whose tensor inputs all come from the same
 * permutation (used only there; other inputs one-element values) runs before it instead, which
 * lets the moved Transpose meet its inverse on the other side.
 */
function sweep(graph: GraphSpec, fresh: () => string): boolean {
  const prod = producers(graph);
  const uses = useCounts(graph);
  let changed = false;
  const out: NodeSpec[] = [];
  const rename = new Map<string, string>();
  const outputs = new Set(graph.outputs.map((o) => o.name));
  for (const node of graph.nodes) {
    node.inputs = node.inputs.map((v) => rename.get(v) ?? v);
    if (node.opType === 'Transpose') {
      const src = prod.get(node.inputs[0]);
      if (src?.opType === 'Transpose') {
        const inner = permOf(src);
        node.attrs = { perm: permOf(node).map((p) => inner[p]) };
        node.inputs = [src.inputs[0]];
        changed = true;
      }
      if (isIdentity(permOf(node))) {
        changed = true;
        if (outputs.has(node.outputs[0])) out.push({ opType: 'Identity', inputs: node.inputs, outputs: node.outputs, attrs: {} });
        else rename.set(node.outputs[0], node.inputs[0]);
        continue;
      }
      out.push(node);
      continue;
    }
    const src = prod.get(node.inputs[0]);
    if (src?.opType === 'Transpose' && reducesEverything(graph, node, permOf(src).length)) {
      // A full reduction does not care about axis order: read the untransposed value.
      node.inputs = [src.inputs[0], ...node.inputs.slice(1)];
      out.push(node);
      changed = true;
      continue;
    }
    const pushed = pushThrough(graph, node, prod, uses);
    if (pushed) {
      const moved = node.outputs[0];
      node.inputs = pushed.inputs;
      node.outputs = [fresh()];
      out.push(node, { opType: 'Transpose', inputs: [node.outputs[0]], outputs: [moved], attrs: { perm: pushed.perm } });
      changed = true;
      continue;
    }
    out.push(node);
  }
  graph.nodes = out;
  return changed;
}

/** The new inputs and the perm when `node` can run before the Transposes feeding it. */
function pushThrough(
  graph: GraphSpec,
  node: NodeSpec,
  prod: Map<string, NodeSpec>,
  uses: Map<string, number>,
): { inputs: string[]; perm: number[] } | undefined {
  const tensorInputs = UNARY.has(node.opType) ? [0] : BINARY.has(node.opType) ? [0, 1] : [];
  if (tensorInputs.length === 0 || node.outputs.length !== 1) return undefined;
  let perm: number[] | undefined;
  const inputs = [...node.inputs];
  const scalars: string[] = [];
  for (const i of tensorInputs) {
    const v = node.inputs[i];
    const t = prod.get(v);
    if (t?.opType === 'Transpose') {
      const p = permOf(t);
      if (perm && (perm.length !== p.length || perm.some((q, k) => q !== p[k]))) return undefined;
      // Every use of the transposed value must be this node (Mul(x, x) uses it twice).
      const own = node.inputs.filter((u) => u === v).length;
      if ((uses.get(v) ?? 0) !== own) return undefined;
      perm = p;
      inputs[i] = t.inputs[0];
    } else scalars.push(v);
  }
  if (!perm || !scalars.every((v) => isScalarLike(graph, v, perm!.length))) return undefined;
  return { inputs, perm };
}

/**
 * Removes nodes whose outputs nothing uses (no later node, no graph output), then unused
 * initializers.
 *
 * @example
 * ```ts
 * removeDeadNodes(graph);
 * ```
 */
export function removeDeadNodes(graph: GraphSpec): void {
  const live = new Set(graph.outputs.map((o) => o.name));
  const kept: NodeSpec[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (n.outputs.some((o) => live.has(o))) {
      kept.push(n);
      n.inputs.forEach((v) => live.add(v));
    }
  }
  graph.nodes = kept.reverse();
  for (const name of [...graph.initializers.keys()]) if (!live.has(name)) graph.initializers.delete(name);
}

/**
 * Folds layout transposes: composes and cancels Transpose pairs (the NHWC→NCHW→NHWC pairs
 * around consecutive Conv/Pool nodes), moves Transposes through element-wise ops so they meet
 * their inverses, then drops dead nodes. Returns the number of Transpose nodes removed.
 *
 * @example
 * ```ts
 * const removed = foldTransposes(graph); // conv → relu → conv keeps one NCHW layout throughout
 * ```
 */
export function foldTransposes(graph: GraphSpec): number {
  const count = () => graph.nodes.filter((n) => n.opType === 'Transpose').length;
  const before = count();
  const names = new Set([...graph.initializers.keys(), ...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => n.outputs)]);
  let k = 0;
  const fresh = (): string => {
    let name: string;
    do name = `tp${k++}`;
    while (names.has(name));
    names.add(name);
    return name;
  };
  for (let i = 0; i < 100 && sweep(graph, fresh); i++) removeDeadNodes(graph);
  removeDeadNodes(graph);
  return before - count();
}
