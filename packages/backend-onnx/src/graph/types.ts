/**
 * The in-memory ONNX graph this package builds before serialising it: plain data, no protobuf
 * objects, so passes (transpose folding, batch generalisation) can rewrite it cheaply.
 */

/** A float attribute (plain numbers are integer attributes). */
export interface FloatAttr {
  readonly float: number;
}

/** A list-of-floats attribute (plain number arrays are integer lists). */
export interface FloatsAttr {
  readonly floats: readonly number[];
}

/** An attribute value: integer, integer list, string, float or float list. */
export type AttrValue = number | readonly number[] | string | FloatAttr | FloatsAttr;

/** One ONNX node (default domain). */
export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

/** Element type of an initializer. */
export type InitDType = 'float32' | 'int64';

/** Values of an initializer: float32 data, int64 data, or a pending float32 value. */
export type InitValues = Float32Array | BigInt64Array;

/** A constant tensor of the graph. */
export interface Initializer {
  readonly dtype: InitDType;
  readonly dims: readonly number[];
  /** Known values; absent while the value is still being computed (see `pending`). */
  values?: InitValues;
  /** Resolves to the values of a tensor still being computed by the eager backend. */
  pending?: () => Promise<Float32Array>;
}

/** A dimension: a size, or a symbolic name such as `N` (dynamic batch) or `N*64`. */
export type Dim = number | string;

/** A graph input or output: float32 with a (possibly symbolic) shape. */
export interface ValueInfo {
  readonly name: string;
  readonly dims: readonly Dim[];
}

/** A whole graph, ready to serialise once every initializer has values. */
export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: Map<string, Initializer>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /**
   * Values known to hold exactly one element (a computed scalar such as a clipping factor):
   * they broadcast alike in any axis order, so Transposes can move past ops that use them.
   */
  scalars?: Set<string>;
}
