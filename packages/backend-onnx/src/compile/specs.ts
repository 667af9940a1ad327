import { sizeOf } from '@msflow/core';
import type { OnnxArray } from '../runtime/session.js';

/**
 * One input of a compiled function: its shape, with -1 marking the batch dimension (at most one
 * per input; every input's -1 stands for the same batch size), and an optional graph name.
 */
export interface InputSpec {
  readonly name?: string;
  readonly shape: readonly number[];
}

/** Graph input names: the given ones, else `input0`, `input1`, ... */
export function inputNames(specs: readonly InputSpec[]): string[] {
  const names = specs.map((s, i) => s.name ?? `input${i}`);
  if (new Set(names).size !== names.length) throw new Error(`onnx compile: input names must be unique, got ${names.join(', ')}`);
  return names;
}

/** Checks the specs: positive sizes, at most one -1 each. */
export function checkSpecs(specs: readonly InputSpec[]): void {
  specs.forEach((s, i) => {
    const holes = s.shape.filter((d) => d === -1).length;
    if (holes > 1 || s.shape.some((d) => d !== -1 && !(Number.isInteger(d) && d >= 0))) {
      throw new Error(`onnx compile: input ${i} shape [${s.shape}] must hold sizes >= 0 and at most one -1 (the batch)`);
    }
  });
}

/** Whether any input has a batch (-1) dimension. */
export const hasBatch = (specs: readonly InputSpec[]): boolean => specs.some((s) => s.shape.includes(-1));

/** The specs' shapes with every -1 replaced by `batch`. */
export const shapesAt = (specs: readonly InputSpec[], batch: number): number[][] => specs.map((s) => s.shape.map((d) => (d === -1 ? batch : d)));

/**
 * Resolves the actual shapes of run-time inputs against the specs (a bare Float32Array takes
 * its spec's shape, its batch size inferred from its length) and checks them.
 */
export function resolveInputs(specs: readonly InputSpec[], inputs: readonly (OnnxArray | Float32Array)[]): OnnxArray[] {
  if (inputs.length !== specs.length) throw new Error(`onnx compiled function takes ${specs.length} inputs, got ${inputs.length}`);
  let batch: number | undefined;
  return inputs.map((input, i) => {
    const spec = specs[i].shape;
    const data = input instanceof Float32Array ? input : input.data;
    let shape: number[];
    if (input instanceof Float32Array) {
      const fixed = spec.reduce((p, d) => (d === -1 ? p : p * d), 1);
      shape = spec.map((d) => (d === -1 ? data.length / fixed : d));
    } else shape = [...input.shape];
    const size = sizeOf(shape);
    const fits = shape.length === spec.length && shape.every((d, k) => Number.isInteger(d) && (spec[k] === -1 || d === spec[k]));
    if (!fits || size !== data.length) {
      throw new Error(`onnx compiled function: input ${i} has ${data.length} values as [${shape}], expected shape [${spec.map((d) => (d === -1 ? 'N' : d))}]`);
    }
    const k = spec.indexOf(-1);
    if (k >= 0) {
      if (batch !== undefined && shape[k] !== batch) throw new Error(`onnx compiled function: inputs disagree on the batch size (${batch} vs ${shape[k]})`);
      batch = shape[k];
    }
    return { data, shape };
  });
}
