import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FlowResult, InvertibleModule } from './module.js';
import type { ParamMap, ParamSpec } from './params.js';

/**
 * Modules applied one after another (FrEIA's SequenceINN); every module sees the same
 * conditions. The log-det is the sum over the modules.
 *
 * @example
 * ```ts
 * const flow = new FlowSequence('parallel.0', [block0, block1]);
 * const { outputs: [z], logDet } = flow.forward([y], [pe], params);
 * ```
 */
export class FlowSequence implements InvertibleModule {
  readonly arity: number;

  constructor(
    readonly name: string,
    readonly modules: readonly InvertibleModule[],
  ) {
    if (modules.length === 0) throw new Error(`${name}: a sequence needs at least one module`);
    this.arity = modules[0].arity;
    const odd = modules.find((m) => m.arity !== this.arity);
    if (odd) throw new Error(`${name}: module ${odd.name} takes ${odd.arity} tensors, the sequence ${this.arity}`);
  }

  paramSpecs(): ParamSpec[] {
    return this.modules.flatMap((m) => m.paramSpecs());
  }

  forward(inputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    return this.run(this.modules, inputs, (m, xs) => m.forward(xs, conditions, params));
  }

  reverse(outputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult {
    return this.run([...this.modules].reverse(), outputs, (m, xs) => m.reverse(xs, conditions, params));
  }

  private run(order: readonly InvertibleModule[], xs: readonly Tensor[], pass: (m: InvertibleModule, xs: readonly Tensor[]) => FlowResult): FlowResult {
    let current = [...xs];
    let logDet: Tensor | undefined;
    for (const m of order) {
      const r = pass(m, current);
      current = r.outputs;
      logDet = logDet ? add(logDet, r.logDet) : r.logDet;
    }
    return { outputs: current, logDet: logDet! };
  }
}
