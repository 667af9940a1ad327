import type { DataId, KernelArgs, KernelName } from '@msflow/core';
import { ConcreteData, SymbolicValue, type TraceScope } from '../runtime/data.js';
import { GraphBuilder } from '../graph/builder.js';
import { LOWERINGS } from '../kernels/index.js';
import type { Lowering } from '../kernels/types.js';

let scopes = 0;

/** Sees each kernel call a trace records. */
export type KernelObserver = (kernel: KernelName, args: KernelArgs<KernelName>) => void;

/**
 * Records kernel calls as ONNX nodes of one graph. Concrete tensors (parameters, constants)
 * used by a recorded kernel become initializers; their values may still be pending and are
 * awaited when the graph is serialised.
 */
export class TraceRecorder implements TraceScope {
  readonly id = scopes++;
  readonly builder: GraphBuilder;

  constructor(
    name = 'msflow',
    /** Called with every recorded kernel call (e.g. to count FLOPs). */
    private readonly onKernel?: KernelObserver,
  ) {
    this.builder = new GraphBuilder(name);
  }

  /** Declares a graph input. */
  input(name: string, shape: readonly number[]): SymbolicValue {
    this.builder.addInput(name, shape);
    if (shape.every((d) => d === 1)) (this.builder.graph.scalars ??= new Set()).add(name);
    return new SymbolicValue(this, name, shape);
  }

  /** The graph value name of a tensor's storage. */
  nameOf(dataId: DataId): string {
    if (dataId instanceof SymbolicValue) {
      if (dataId.scope !== this) throw new Error('onnx trace: a tensor from another trace was used; traced tensors live only inside their trace');
      return dataId.name;
    }
    if (dataId instanceof ConcreteData) {
      return this.builder.external(dataId, { dtype: 'float32', dims: [...dataId.shape], values: dataId.known, pending: () => dataId.get() });
    }
    throw new Error('onnx trace: tensor storage does not belong to the onnx backend');
  }

  /** Emits the nodes of one kernel call and returns its symbolic output. */
  record<K extends KernelName>(kernel: K, args: KernelArgs<K>): SymbolicValue {
    this.onKernel?.(kernel, args as KernelArgs<KernelName>);
    const inputs = args.inputs.map((t) => this.nameOf(t.dataId));
    const shapes = args.inputs.map((t) => t.shape);
    const y = (LOWERINGS[kernel] as Lowering<K>)({ g: this.builder, inputs, shapes, attrs: args.attrs, outShape: args.outShape });
    if (args.outShape.every((d) => d === 1)) (this.builder.graph.scalars ??= new Set()).add(y);
    return new SymbolicValue(this, y, args.outShape);
  }
}
