import type { KernelAttrsMap, KernelCall, KernelName } from '@msflow/core';
import { GraphBuilder } from '../graph/builder.js';
import { serializeModel } from '../graph/serialize.js';
import { LOWERINGS } from '../kernels/index.js';
import type { Lowering } from '../kernels/types.js';
import { createSession, runSession, type OnnxSession, type OnnxSessionOptions } from './session.js';
import { ConcreteData } from './data.js';

/**
 * Builds the ONNX model of a single kernel call: inputs `x0..xk`, output `y`.
 *
 * @example
 * ```ts
 * const bytes = kernelModel('Relu', [[2, 3]], {}, [2, 3]);
 * ```
 */
export function kernelModel<K extends KernelName>(
  kernel: K,
  shapes: readonly (readonly number[])[],
  attrs: KernelAttrsMap[K],
  outShape: readonly number[],
): Uint8Array {
  const g = new GraphBuilder(kernel);
  const inputs = shapes.map((s, i) => g.addInput(`x${i}`, s));
  const y = (LOWERINGS[kernel] as Lowering<K>)({ g, inputs, shapes, attrs, outShape });
  g.addOutput(y, 'y', outShape);
  return serializeModel(g.graph);
}

interface Entry {
  readonly session: Promise<OnnxSession>;
  /** Runs started and not finished. */
  busy: number;
  evicted: boolean;
}

/**
 * Runs kernels one at a time, each as a one-kernel ONNX graph, with one cached session per
 * kernel, input shapes and attributes. Beyond `maxSessions` the least recently used session
 * is released (once its queued runs are done).
 */
export class EagerRunner {
  private readonly entries = new Map<string, Entry>();
  /** Sessions created so far (cache misses). */
  sessionsCreated = 0;

  constructor(
    private readonly options: OnnxSessionOptions,
    private readonly maxSessions = 512,
  ) {}

  /** Starts the kernel; the result resolves when onnxruntime has computed it. */
  run<K extends KernelName>(kernel: K, call: KernelCall<K, ConcreteData>): ConcreteData {
    const { shapes } = call;
    const entry = this.entry(kernel, call);
    entry.busy++;
    const value = (async () => {
      try {
        const [s, values] = await Promise.all([entry.session, Promise.all(call.inputs.map((d) => d.get()))]);
        const [y] = await runSession(s, values.map((data, i) => ({ data, shape: shapes[i] })));
        return y.data;
      } finally {
        entry.busy--;
        if (entry.evicted && entry.busy === 0) release(entry);
      }
    })();
    return new ConcreteData(call.outShape, value);
  }

  private entry<K extends KernelName>(kernel: K, { shapes, attrs, outShape }: KernelCall<K, ConcreteData>): Entry {
    const key = `${kernel}|${shapes.map((s) => s.join('x')).join(';')}|${JSON.stringify(attrs)}`;
    let e = this.entries.get(key);
    if (e) this.entries.delete(key); // re-inserted below: most recently used last
    else {
      const session = createSession(kernelModel(kernel, shapes, attrs, outShape), this.options);
      session.catch(() => undefined);
      e = { session, busy: 0, evicted: false };
      this.sessionsCreated++;
      if (this.entries.size >= this.maxSessions) this.evictOldest();
    }
    this.entries.set(key, e);
    return e;
  }

  private evictOldest(): void {
    const [key, e] = this.entries.entries().next().value as [string, Entry];
    this.entries.delete(key);
    e.evicted = true;
    if (e.busy === 0) release(e);
  }

  /** Number of cached sessions. */
  get size(): number {
    return this.entries.size;
  }

  /** Releases every cached session. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.session.then((x) => x.release()).catch(() => undefined)));
  }
}

function release(e: Entry): void {
  e.session.then((x) => x.release()).catch(() => undefined);
}
