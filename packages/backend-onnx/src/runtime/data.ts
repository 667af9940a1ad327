/**
 * The two kinds of storage handle ({@link DataId}) of the onnx backend: a concrete float32
 * value (written, or computed by an eager kernel, possibly still pending), and a symbolic value
 * of a graph being traced.
 */

/** A concrete tensor value; eager kernels produce it asynchronously. */
export class ConcreteData {
  private value: Float32Array | undefined;
  private readonly promise: Promise<Float32Array>;

  constructor(
    readonly shape: readonly number[],
    source: Float32Array | Promise<Float32Array>,
  ) {
    if (source instanceof Float32Array) {
      this.value = source;
      this.promise = Promise.resolve(source);
    } else {
      this.promise = source.then((v) => (this.value = v));
      // Failures surface when the value is read; never as an unhandled rejection.
      this.promise.catch(() => undefined);
    }
  }

  /** The value when it is already known. */
  get known(): Float32Array | undefined {
    return this.value;
  }

  /** The value, once computed (rejects with the kernel's error). */
  get(): Promise<Float32Array> {
    return this.promise;
  }
}

/** Identifies one trace; symbolic values from another trace are rejected. */
export interface TraceScope {
  readonly id: number;
}

/** A value of the graph being traced: a graph input, an initializer or a node output. */
export class SymbolicValue {
  constructor(
    readonly scope: TraceScope,
    readonly name: string,
    readonly shape: readonly number[],
  ) {}
}
