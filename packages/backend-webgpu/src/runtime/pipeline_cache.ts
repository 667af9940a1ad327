/// <reference types="@webgpu/types" />
import { ShaderStage } from './constants.js';
import { WebgpuError } from './errors.js';

/**
 * A compute program: WGSL with one entry point `main` and the binding convention every kernel
 * of this package follows: binding 0 is the uniform parameter block, bindings `1..inputs` are
 * read-only storage buffers and the next `outputs` bindings are read-write storage buffers.
 */
export interface Program {
  /** Full WGSL source; also the cache key (shapes that are baked in are part of it). */
  readonly code: string;
  readonly inputs: number;
  readonly outputs: number;
  /** Short name for errors and statistics, e.g. `matmul 64x64`. */
  readonly label: string;
}

/** A compiled program. */
export interface CompiledProgram {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly label: string;
}

/** Cache counters. */
export interface PipelineCacheStats {
  pipelines: number;
  hits: number;
  misses: number;
  /** Milliseconds spent in shader-module and pipeline creation. */
  compileMs: number;
}

/**
 * Compiled pipelines keyed by their WGSL source. Kernels bake into the source only what changes
 * the code (rank, tile sizes, transposes, fused expression); shapes travel in the uniform
 * block, so a training loop compiles each program once.
 *
 * @example
 * ```ts
 * const cache = new PipelineCache(device, (err) => ctx.fail(err));
 * const { pipeline, layout } = cache.get({ code, inputs: 2, outputs: 1, label: 'add' });
 * ```
 */
export class PipelineCache {
  private readonly programs = new Map<string, CompiledProgram>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly counters: PipelineCacheStats = { pipelines: 0, hits: 0, misses: 0, compileMs: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly onCompileError: (err: WebgpuError) => void,
  ) {}

  get(program: Program): CompiledProgram {
    const hit = this.programs.get(program.code);
    if (hit) {
      this.counters.hits++;
      return hit;
    }
    this.counters.misses++;
    const t0 = performance.now();
    const layout = this.layout(program.inputs, program.outputs);
    const module = this.device.createShaderModule({ code: program.code, label: program.label });
    void module.getCompilationInfo().then((info) => {
      const errors = info.messages.filter((m) => m.type === 'error');
      if (errors.length > 0) this.onCompileError(compileError(program, errors));
    });
    const pipeline = this.device.createComputePipeline({
      label: program.label,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    this.counters.compileMs += performance.now() - t0;
    const compiled = { pipeline, layout, label: program.label };
    this.programs.set(program.code, compiled);
    this.counters.pipelines = this.programs.size;
    return compiled;
  }

  private layout(inputs: number, outputs: number): GPUBindGroupLayout {
    const key = `${inputs}:${outputs}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: ShaderStage.COMPUTE, buffer: { type: 'uniform' } }];
      for (let i = 0; i < inputs + outputs; i++) {
        entries.push({
          binding: 1 + i,
          visibility: ShaderStage.COMPUTE,
          buffer: { type: i < inputs ? 'read-only-storage' : 'storage' },
        });
      }
      layout = this.device.createBindGroupLayout({ entries, label: `layout ${key}` });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  get stats(): Readonly<PipelineCacheStats> {
    return { ...this.counters };
  }

  clear(): void {
    this.programs.clear();
    this.layouts.clear();
    this.counters.pipelines = 0;
  }
}

function compileError(program: Program, errors: readonly GPUCompilationMessage[]): WebgpuError {
  const lines = program.code.split('\n');
  const details = errors.map((m) => {
    const around = lines
      .slice(Math.max(0, m.lineNum - 3), m.lineNum + 1)
      .map((l, i) => `${Math.max(1, m.lineNum - 2) + i}: ${l}`)
      .join('\n');
    return `line ${m.lineNum}:${m.linePos}: ${m.message}\n${around}`;
  });
  return new WebgpuError('validation', `shader "${program.label}" failed to compile (a bug in the backend):\n${details.join('\n')}`);
}
