import type { Backend, FloatArray } from '../backend/backend.js';
import { KERNEL_SPECS } from '../kernels/kernel_specs.js';
import type { KernelAttrsMap, KernelName } from '../kernels/kernel_names.js';
import { checkShape, fmt, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** One recorded kernel call: enough to run its gradient later. */
export interface TapeEntry {
  readonly kernel: KernelName;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs: unknown;
  readonly output: Tensor;
}

interface Tape {
  readonly entries: TapeEntry[];
  /** Ids of tensors whose value depends on a watched tensor. */
  readonly tracked: Set<number>;
}

/**
 * Holds the active backend, the scope stack (deterministic memory release) and the gradient
 * tapes. One engine per process; ops reach it through {@link engine}.
 */
class Engine {
  private active: Backend | null = null;
  private readonly scopes: Set<Tensor>[] = [];
  private readonly tapes: Tape[] = [];
  private live = 0;

  get backend(): Backend {
    if (!this.active) throw new Error('no backend is set: call setBackend(await resolveBackend()) first');
    return this.active;
  }

  setBackend(backend: Backend): void {
    this.active = backend;
  }

  hasBackend(): boolean {
    return this.active !== null;
  }

  /** Number of live (undisposed) tensors, for leak checks. */
  numTensors(): number {
    return this.live;
  }

  /** Wraps backend storage in a tensor tracked by the current scope. */
  makeTensor(values: FloatArray, shape: Shape): Tensor {
    checkShape(shape, 'tensor');
    if (values.length !== sizeOf(shape)) {
      throw new Error(`tensor: ${values.length} values do not fill shape ${fmt(shape)} (${sizeOf(shape)} elements)`);
    }
    const backend = this.backend;
    return this.track(new Tensor([...shape], backend.write(values, shape), backend, (t) => this.release(t)));
  }

  private track(t: Tensor): Tensor {
    this.live++;
    this.scopes[this.scopes.length - 1]?.add(t);
    return t;
  }

  private release(t: Tensor): void {
    this.live--;
    for (const s of this.scopes) s.delete(t);
    t.backend.disposeData(t.dataId);
  }

  /** Runs one kernel on the active backend: checks shapes, dispatches, records for autodiff. */
  runKernel<K extends KernelName>(kernel: K, inputs: readonly (Tensor | undefined)[], attrs: KernelAttrsMap[K]): Tensor {
    const backend = this.backend;
    const present = inputs.filter((t): t is Tensor => t !== undefined);
    for (const t of present) {
      t.assertAlive();
      if (t.backend !== backend) {
        throw new Error(`${kernel}: input ${t} lives on backend ${t.backend.name}, but the active backend is ${backend.name}`);
      }
    }
    const outShape = KERNEL_SPECS[kernel](present.map((t) => t.shape), attrs);
    const impl = backend.kernels[kernel];
    if (!impl) throw new Error(`${kernel}: kernel is not implemented by backend ${backend.name}`);
    const dataId = impl({ inputs: present, attrs, outShape });
    const out = this.track(new Tensor(outShape, dataId, backend, (t) => this.release(t)));
    for (const tape of this.tapes) {
      if (present.some((t) => tape.tracked.has(t.id))) {
        tape.tracked.add(out.id);
        tape.entries.push({ kernel, inputs, attrs, output: out });
        for (const t of present) t.onTape = true;
        out.onTape = true;
      }
    }
    return out;
  }

  /** Runs `fn` in a scope: tensors it creates are disposed at the end unless returned or kept. */
  tidy<T>(fn: () => T): T {
    this.scopes.push(new Set());
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.endScope(undefined);
      throw err;
    }
    if (result instanceof Promise) {
      throw new Error('tidy() cannot run an async function: await outside the scope and keep() what must survive');
    }
    this.endScope(result);
    return result;
  }

  private endScope(result: unknown): void {
    const scope = this.scopes.pop()!;
    const keep = new Set<Tensor>();
    collectTensors(result, keep);
    const parent = this.scopes[this.scopes.length - 1];
    const tapeActive = this.tapes.length > 0;
    for (const t of scope) {
      if (t.isDisposed) continue;
      // Tensors a live tape still needs, and the scope's result, move to the parent scope.
      if (keep.has(t) || (tapeActive && t.onTape)) parent?.add(t);
      else if (!t.kept) t.dispose();
    }
  }

  /** Marks a tensor to survive its scope. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  /** Starts recording kernels whose inputs depend on `watched`. */
  startTape(watched: readonly Tensor[]): Tape {
    const tape: Tape = { entries: [], tracked: new Set(watched.map((t) => t.id)) };
    this.tapes.push(tape);
    return tape;
  }

  endTape(tape: Tape): void {
    const i = this.tapes.lastIndexOf(tape);
    if (i >= 0) this.tapes.splice(i, 1);
    if (this.tapes.length === 0) {
      for (const e of tape.entries) {
        e.output.onTape = false;
        for (const t of e.inputs) if (t) t.onTape = false;
      }
    }
  }
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}

/** The process-wide engine. */
export const engine = new Engine();
export type { Engine, Tape };

/**
 * Runs `fn` and disposes every tensor it created except the ones it returns (arrays, maps and
 * plain objects of tensors are searched) and the ones passed to {@link keep}.
 *
 * @example
 * ```ts
 * const y = tidy(() => add(mul(x, x), x)); // the intermediate x*x is freed here
 * ```
 */
export function tidy<T>(fn: () => T): T {
  return engine.tidy(fn);
}

/** Keeps a tensor alive past the scope that created it. */
export function keep<T extends Tensor>(t: T): T {
  return engine.keep(t);
}

/** Disposes tensors found in any nesting of arrays, maps and plain objects. */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}

/** Makes `backend` the one all ops run on. */
export function setBackend(backend: Backend): void {
  engine.setBackend(backend);
}

/** The active backend. */
export function getBackend(): Backend {
  return engine.backend;
}
