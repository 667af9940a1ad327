import type { AttrValue, GraphSpec, Initializer, NodeSpec, ValueInfo } from './types.js';

/** Arrays up to this many elements are de-duplicated by value (scalars, shapes, indices). */
const DEDUPE_LIMIT = 256;

/**
 * Appends nodes and initializers to a {@link GraphSpec} under fresh, deterministic names
 * (`v0`, `v1`, ...), so two traces of the same program name everything alike. Small constants
 * are shared by value.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder('demo');
 * const x = g.addInput('x', [1, 4]);
 * const y = g.op('Mul', [x, g.float([2], [])]);
 * g.addOutput(y, 'y', [1, 4]);
 * ```
 */
export class GraphBuilder {
  readonly graph: GraphSpec;
  private counter = 0;
  private readonly byValue = new Map<string, string>();
  private readonly byObject = new Map<object, string>();

  constructor(name = 'msflow') {
    this.graph = { name, nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  }

  private readonly reserved = new Set<string>();

  /** A new unused value name (never one of the graph's input names). */
  fresh(prefix = 'v'): string {
    let name: string;
    do name = `${prefix}${this.counter++}`;
    while (this.reserved.has(name));
    return name;
  }

  addInput(name: string, dims: ValueInfo['dims']): string {
    this.reserved.add(name);
    this.graph.inputs.push({ name, dims: [...dims] });
    return name;
  }

  /** Declares `value` as graph output `name` (through an Identity node, so names never clash). */
  addOutput(value: string, name: string, dims: ValueInfo['dims']): void {
    this.graph.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name], attrs: {} });
    this.graph.outputs.push({ name, dims: [...dims] });
  }

  /** Appends a node with `outputs` fresh outputs and returns their names. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh());
    const node: NodeSpec = { opType, inputs, outputs: names, attrs };
    this.graph.nodes.push(node);
    return names;
  }

  /** Appends a single-output node and returns its output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attrs)[0];
  }

  /** An int64 constant (shapes, axes, indices). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant('int64', dims, () => BigInt64Array.from(values, (v) => BigInt(v)), values);
  }

  /** A float32 constant. */
  float(values: ArrayLike<number>, dims: readonly number[]): string {
    return this.constant('float32', dims, () => Float32Array.from(values), values);
  }

  /** An initializer for an object-identified tensor (an eager tensor), shared per object. */
  external(key: object, init: Initializer): string {
    let name = this.byObject.get(key);
    if (!name) {
      const small = init.values instanceof Float32Array && init.values.length <= DEDUPE_LIMIT;
      name = small ? this.float(init.values as Float32Array, init.dims) : this.addInitializer(init);
      this.byObject.set(key, name);
    }
    return name;
  }

  /** Adds an initializer under a fresh name. */
  addInitializer(init: Initializer): string {
    const name = this.fresh('c');
    this.graph.initializers.set(name, init);
    return name;
  }

  private constant(dtype: Initializer['dtype'], dims: readonly number[], make: () => Initializer['values'], values: ArrayLike<number>): string {
    if (values.length > DEDUPE_LIMIT) return this.addInitializer({ dtype, dims: [...dims], values: make() });
    const key = `${dtype}|${dims.join(',')}|${Array.from(values, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    let name = this.byValue.get(key);
    if (!name) {
      name = this.addInitializer({ dtype, dims: [...dims], values: make() });
      this.byValue.set(key, name);
    }
    return name;
  }
}
