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
  /** cores × flopsPerCycle × GHz, in GFLOP/s. */
  peakGflops: number;
  peakNote: string;
}

function cpuFlags(): Set<string> {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/**
 * Describes this machine. Peak fp32 is cores × FLOP/cycle × clock: AVX-512 counts as 64 FLOP per
 * cycle (two 16-lane FMA units), AVX2+FMA as 32, otherwise 8 (SSE). The clock is the one the OS
 * reports, or 3 GHz when it reports none; this is an upper bound, not a measurement.
 */
export function describeMachine(): MachineInfo {
  const list = cpus();
  const flags = cpuFlags();
  const flopsPerCycle = flags.has('avx512f') ? 64 : flags.has('avx2') && flags.has('fma') ? 32 : 8;
  const mhz = list[0]?.speed ?? 0;
  const ghz = mhz > 500 ? mhz / 1000 : 3;
  const cores = list.length;
  const ext = flopsPerCycle === 64 ? 'AVX-512' : flopsPerCycle === 32 ? 'AVX2+FMA' : 'SSE';
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    flopsPerCycle,
    ghz,
    peakGflops: cores * flopsPerCycle * ghz,
    peakNote: `${cores} cores × ${flopsPerCycle} fp32 FLOP/cycle (${ext}) × ${ghz.toFixed(2)} GHz${mhz > 500 ? '' : ' (clock not reported; 3 GHz assumed)'}`,
  };
}
