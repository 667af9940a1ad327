import { readFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';

/** The machine a benchmark ran on, and how its fp32 peak was derived. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** fp32 FLOP per cycle per core assumed from the CPU's vector extensions. */
  flopsPerCycle: number;
  ghz: number;
  /** cores × flopsPerCycle × GHz in GFLOP/s, or the measured figure given in `MSFLOW_PEAK_GFLOPS`. */
  peakGflops: number;
  peakNote: string;
}

/** What /proc/cpuinfo says about the first core. */
export interface CpuInfo {
  flags: ReadonlySet<string>;
  vendor: string;
  family: number;
}

function readCpuInfo(): CpuInfo {
  try {
    const lines = readFileSync('/proc/cpuinfo', 'utf8').split('\n');
    const field = (name: string) => lines.find((l) => l.startsWith(name))?.split(':')[1]?.trim() ?? '';
    return { flags: new Set(field('flags').split(/\s+/).filter(Boolean)), vendor: field('vendor_id'), family: Number(field('cpu family')) || 0 };
  } catch {
    return { flags: new Set(), vendor: '', family: 0 };
  }
}

/**
 * fp32 FLOP per cycle per core and the extension it comes from. AVX-512 counts as two 16-lane
 * FMA units (64), except on AMD family 25 (Zen 4, the first AMD cores with AVX-512), which
 * executes 512-bit instructions on its two 256-bit FMA units: 32, the same as AVX2+FMA.
 * (Measured on an EPYC of that family: an AVX-512 FMA loop ran at the AVX2 loop's speed,
 * `apps/bench/scripts/fma_peak.c`.)
 *
 * @example
 * ```ts
 * vectorFlops({ flags: new Set(['avx2', 'fma']), vendor: 'GenuineIntel', family: 6 }); // { flopsPerCycle: 32, ext: 'AVX2+FMA' }
 * ```
 */
export function vectorFlops(cpu: CpuInfo): { flopsPerCycle: number; ext: string } {
  if (cpu.flags.has('avx512f')) {
    if (cpu.vendor === 'AuthenticAMD' && cpu.family === 25) return { flopsPerCycle: 32, ext: 'AVX-512 on 256-bit units (AMD Zen 4)' };
    return { flopsPerCycle: 64, ext: 'AVX-512' };
  }
  if (cpu.flags.has('avx2') && cpu.flags.has('fma')) return { flopsPerCycle: 32, ext: 'AVX2+FMA' };
  return { flopsPerCycle: 8, ext: 'SSE' };
}

/**
 * Describes this machine. Peak fp32 is cores × FLOP/cycle ({@link vectorFlops}) × clock, the
 * clock being the one the OS reports, or 3 GHz when it reports none: an upper bound, not a
 * measurement. `MSFLOW_PEAK_GFLOPS=N` replaces it with a measured peak (for instance
 * `apps/bench/scripts/fma_peak.c`'s all-cores figure), and the report says so.
 *
 * @example
 * ```ts
 * const m = describeMachine();
 * console.log(`${m.peakGflops.toFixed(0)} GFLOP/s (${m.peakNote})`);
 * ```
 */
export function describeMachine(env: Record<string, string | undefined> = process.env, cpu: CpuInfo = readCpuInfo()): MachineInfo {
  const list = cpus();
  const { flopsPerCycle, ext } = vectorFlops(cpu);
  const mhz = list[0]?.speed ?? 0;
  const ghz = mhz > 500 ? mhz / 1000 : 3;
  const cores = list.length;
  const derived = cores * flopsPerCycle * ghz;
  const derivedNote = `${cores} cores × ${flopsPerCycle} fp32 FLOP/cycle (${ext}) × ${ghz.toFixed(2)} GHz${mhz > 500 ? '' : ' (clock not reported; 3 GHz assumed)'}`;
  const measured = env.MSFLOW_PEAK_GFLOPS;
  if (measured !== undefined && !(Number(measured) > 0)) throw new RangeError(`MSFLOW_PEAK_GFLOPS must be a positive number of GFLOP/s, got '${measured}'`);
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    flopsPerCycle,
    ghz,
    peakGflops: measured ? Number(measured) : derived,
    peakNote: measured ? `measured, MSFLOW_PEAK_GFLOPS; derived: ${derivedNote} = ${derived.toFixed(0)}` : derivedNote,
  };
}
