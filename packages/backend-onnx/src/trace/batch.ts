import type { Dim, GraphSpec, Initializer, NodeSpec } from '../graph/types.js';
import type { TraceResult } from './trace.js';

/** Where the batch dimension of the graph comes from: input `name`, axis `axis`. */
export interface BatchSource {
  readonly name: string;
  readonly axis: number;
}

/** One entry of a shape vector: a constant, or `factor` times the batch size. */
type ShapeEntry = { readonly value: number } | { readonly factor: number };

/** Result of {@link generalizeBatch}: the batch-generic graph, or why there is none. */
export type Generalized = { readonly graph: GraphSpec; readonly outputDims: readonly (readonly Dim[])[] } | { readonly reason: string };

const sameArray = (a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean => {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
};

const nodeKey = (n: NodeSpec): string => JSON.stringify([n.opType, n.inputs, n.outputs, n.attrs]);

/** `d1` at batch `b1` and `d2` at batch `b2` as one dimension: constant, `factor`·N, or neither. */
function dimEntry(d1: number, d2: number, b1: number, b2: number): ShapeEntry | undefined {
  if (d1 === d2) return { value: d1 };
  if (d1 % b1 === 0 && d2 % b2 === 0 && d1 / b1 === d2 / b2) return { factor: d1 / b1 };
  return undefined;
}

const symbol = (e: ShapeEntry): Dim => ('value' in e ? e.value : e.factor === 1 ? 'N' : `N*${e.factor}`);

/** Emits nodes computing a shape vector from the batch size, ending in value `name`. */
class ShapeNodes {
  readonly nodes: NodeSpec[] = [];
  readonly initializers = new Map<string, Initializer>();
  private batch: string | undefined;
  private k = 0;

  constructor(
    private readonly source: BatchSource,
    private readonly taken: Set<string>,
  ) {}

  private fresh(): string {
    let n: string;
    do n = `batch${this.k++}`;
    while (this.taken.has(n));
    this.taken.add(n);
    return n;
  }

  private int64(values: number[]): string {
    const name = this.fresh();
    this.initializers.set(name, { dtype: 'int64', dims: [values.length], values: BigInt64Array.from(values, BigInt) });
    return name;
  }

  private batchSize(): string {
    if (!this.batch) {
      this.batch = this.fresh();
      const { name, axis } = this.source;
      this.nodes.push({ opType: 'Shape', inputs: [name], outputs: [this.batch], attrs: { start: axis, end: axis + 1 } });
    }
    return this.batch;
  }

  /** Int64 vector `name` = the entries, the batch-dependent ones computed at run time. */
  vector(name: string, entries: readonly ShapeEntry[]): void {
    const parts: string[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length) parts.push(this.int64(run));
      run = [];
    };
    for (const e of entries) {
      if ('value' in e) run.push(e.value);
      else {
        flush();
        if (e.factor === 1) parts.push(this.batchSize());
        else {
          const scaled = this.fresh();
          this.nodes.push({ opType: 'Mul', inputs: [this.batchSize(), this.int64([e.factor])], outputs: [scaled], attrs: {} });
          parts.push(scaled);
        }
      }
    }
    flush();
    this.nodes.push({ opType: 'Concat', inputs: parts, outputs: [name], attrs: { axis: 0 } });
  }

  /** Float value `name` = one [1, ...rest] block repeated along a leading batch axis. */
  tile(name: string, block: Float32Array, rest: readonly number[]): void {
    const shape = this.fresh();
    this.vector(shape, [{ factor: 1 }, ...rest.map((value) => ({ value }))]);
    const one = this.fresh();
    this.initializers.set(one, { dtype: 'float32', dims: [1, ...rest], values: block });
    this.nodes.push({ opType: 'Expand', inputs: [one, shape], outputs: [name], attrs: {} });
  }

  /** Float value `name` = `value` broadcast to the shape. */
  fill(name: string, value: number, entries: readonly ShapeEntry[]): void {
    const shape = this.fresh();
    this.vector(shape, entries);
    const scalar = this.fresh();
    this.initializers.set(scalar, { dtype: 'float32', dims: [], values: Float32Array.of(value) });
    this.nodes.push({ opType: 'Expand', inputs: [scalar, shape], outputs: [name], attrs: {} });
  }
}

/** The per-image block of a float constant that is the same block repeated once per image. */
function batchTiled(a: Initializer, b: Initializer, b1: number, b2: number): Float32Array | undefined {
  if (a.dtype !== 'float32' || a.dims.length === 0 || a.dims.length !== b.dims.length) return undefined;
  if (a.dims[0] !== b1 || b.dims[0] !== b2 || !sameArray(a.dims.slice(1), b.dims.slice(1))) return undefined;
  const blockA = tiledBlock(a.values as Float32Array, b1);
  const blockB = tiledBlock(b.values as Float32Array, b2);
  return blockA && blockB && sameArray(blockA, blockB) ? blockA : undefined;
}

/** Whether every use of `name` reads it as a shape (where a run-time value works). */
function usedOnlyAsShape(nodes: readonly NodeSpec[], name: string): { reshapeOnly: boolean } | undefined {
  let reshapeOnly = true;
  for (const n of nodes) {
    for (const [i, v] of n.inputs.entries()) {
      if (v !== name) continue;
      const ok =
        (n.opType === 'Reshape' && i === 1) ||
        (n.opType === 'Expand' && i === 1) ||
        (n.opType === 'ConstantOfShape' && i === 0) ||
        (n.opType === 'Resize' && i === 3);
      if (!ok) return undefined;
      if (n.opType !== 'Reshape' || n.attrs.allowzero === 1) reshapeOnly = false;
    }
  }
  return { reshapeOnly };
}

/** A float initializer holding one repeated value (a `fill`), or undefined. */
function uniformValue(init: Initializer): number | undefined {
  const v = init.values;
  if (!(v instanceof Float32Array) || v.length === 0) return undefined;
  for (let i = 1; i < v.length; i++) if (!Object.is(v[i], v[0])) return undefined;
  return v[0];
}

/** The repeated block when `v` is `copies` copies of one block (a batch-tiled constant). */
function tiledBlock(v: Float32Array, copies: number): Float32Array | undefined {
  if (copies < 1 || v.length % copies !== 0) return undefined;
  const n = v.length / copies;
  for (let c = 1; c < copies; c++) for (let i = 0; i < n; i++) if (!Object.is(v[c * n + i], v[i])) return undefined;
  return v.subarray(0, n);
}

/**
 * Merges two traces of one function at batch sizes `b1` and `b2` (every initializer resolved)
 * into one graph valid for any batch size: sizes that scale with the batch become run-time
 * shapes (Reshape targets become -1 or Shape/Mul/Concat of the input's batch; batch-sized fills
 * and constants repeating one block per image become Expand) and batch-scaled output dimensions become symbolic (`N`, `N*64`). When the
 * traces differ in any other way, for instance a constant computed from the batch size, it
 * returns the reason instead.
 *
 * @example
 * ```ts
 * const merged = generalizeBatch(traceAt2, traceAt3, 2, 3, { name: 'x', axis: 0 });
 * if ('reason' in merged) console.warn(`static batch: ${merged.reason}`);
 * ```
 */
export function generalizeBatch(t1: TraceResult, t2: TraceResult, b1: number, b2: number, source: BatchSource): Generalized {
  const [g1, g2] = [t1.graph, t2.graph];
  if (g1.nodes.length !== g2.nodes.length) return { reason: `the graph has ${g1.nodes.length} nodes at batch ${b1} but ${g2.nodes.length} at batch ${b2}` };
  for (let i = 0; i < g1.nodes.length; i++) {
    if (nodeKey(g1.nodes[i]) !== nodeKey(g2.nodes[i])) return { reason: `node ${i} (${g1.nodes[i].opType}) differs between batch sizes ${b1} and ${b2}` };
  }
  const outputDims: Dim[][] = [];
  for (const [i, s1] of t1.outputShapes.entries()) {
    const s2 = t2.outputShapes[i];
    const entries = s1.map((d, k) => dimEntry(d, s2[k], b1, b2));
    if (s1.length !== s2.length || entries.some((e) => !e)) return { reason: `output ${t1.outputNames[i]} [${s1}] / [${s2}] does not scale with the batch` };
    outputDims.push((entries as ShapeEntry[]).map(symbol));
  }
  const taken = new Set([...g1.initializers.keys(), ...g1.nodes.flatMap((n) => n.outputs), ...g1.inputs.map((v) => v.name)]);
  const shapes = new ShapeNodes(source, taken);
  const initializers = new Map<string, Initializer>();
  for (const [name, a] of g1.initializers) {
    const b = g2.initializers.get(name);
    if (!b || !a.values || !b.values) return { reason: `initializer ${name} is missing or unresolved in one trace` };
    if (a.dtype === b.dtype && sameArray(a.dims, b.dims) && sameArray(a.values, b.values)) {
      initializers.set(name, a);
      continue;
    }
    const why = `constant ${name} [${a.dims}] depends on the batch size in a way that cannot be generalised (e.g. a value computed from the batch size)`;
    if (a.dtype === 'int64' && a.dims.length === 1 && sameArray(a.dims, b.dims)) {
      const bv = b.values;
      const found = Array.from(a.values as ArrayLike<bigint | number>, (v, i) => dimEntry(Number(v), Number(bv[i]), b1, b2));
      const use = usedOnlyAsShape(g1.nodes, name);
      if (!use || found.some((e) => !e)) return { reason: why };
      const entries = found as ShapeEntry[];
      const dynamic = entries.filter((e) => 'factor' in e);
      if (use.reshapeOnly && dynamic.length === 1 && !entries.some((e) => 'value' in e && e.value <= 0)) {
        const values = BigInt64Array.from(entries, (e) => BigInt('value' in e ? e.value : -1));
        initializers.set(name, { dtype: 'int64', dims: a.dims, values });
      } else shapes.vector(name, entries);
      continue;
    }
    const fill = uniformValue(a);
    if (a.dtype === 'float32' && fill !== undefined && Object.is(fill, uniformValue(b)) && a.dims.length === b.dims.length) {
      const entries = a.dims.map((d, k) => dimEntry(d, b.dims[k], b1, b2));
      if (entries.some((e) => !e)) return { reason: why };
      shapes.fill(name, fill, entries as ShapeEntry[]);
      continue;
    }
    const tiled = batchTiled(a, b, b1, b2);
    if (tiled) {
      shapes.tile(name, tiled, a.dims.slice(1));
      continue;
    }
    return { reason: why };
  }
  for (const [name, init] of shapes.initializers) initializers.set(name, init);
  const inputs = g1.inputs.map((v, i) => {
    const other = g2.inputs[i].dims;
    return { name: v.name, dims: v.dims.map((d, k) => (d === other[k] ? d : 'N')) };
  });
  const outputs = g1.outputs.map((o, i) => ({ name: o.name, dims: outputDims[i] }));
  const graph: GraphSpec = { name: g1.name, nodes: [...shapes.nodes, ...g1.nodes], initializers, inputs, outputs, scalars: g1.scalars };
  return { graph, outputDims };
}
