import type { MachineInfo } from './machine.js';
import type { Timing } from './stats.js';

/** One measured entry: an op or a pipeline stage on one backend. */
export interface BenchEntry {
  backend: string;
  /** What the backend actually ran on (e.g. `tfjs wasm (SIMD, 1 thread)`). */
  detail: string;
  name: string;
  kind: 'op' | 'model';
  timing: Timing;
  /** For ops: FLOP per call, GFLOP/s at the median, and that as a share of the machine's peak. */
  flops?: number;
  gflops?: number;
  peakShare?: number;
  /** For model stages: images per second at the median. */
  imagesPerSecond?: number;
  rssMiB: number;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: MachineInfo;
  versions: Record<string, string>;
  entries: BenchEntry[];
  skipped: { backend: string; reason: string }[];
}

const f = (v: number | undefined, digits = 2) => (v === undefined ? '' : v.toFixed(digits));

/** A Markdown table of the report, ratios against the first backend where both ran. */
export function toMarkdown(r: BenchReport): string {
  const lines = [
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}, Node ${r.machine.node}.`,
    `Peak fp32: ${r.machine.peakGflops.toFixed(0)} GFLOP/s (${r.machine.peakNote}).`,
    '',
    '| backend | benchmark | median ms | spread | GFLOP/s | % peak | img/s | RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...r.entries.map(
      (e) =>
        `| ${e.backend} | ${e.name} | ${f(e.timing.medianMs)} | ${f(e.timing.spread * 100, 0)}% | ${f(e.gflops)} | ${e.peakShare === undefined ? '' : f(e.peakShare * 100, 1)} | ${f(e.imagesPerSecond)} | ${e.rssMiB.toFixed(0)} |`,
    ),
  ];
  if (r.skipped.length) lines.push('', 'Skipped:', ...r.skipped.map((s) => `- ${s.backend}: ${s.reason}`));
  return lines.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart (SVG) of GFLOP/s per op and backend. */
export function toSvg(r: BenchReport): string {
  const rows = r.entries.filter((e) => e.gflops !== undefined || e.imagesPerSecond !== undefined);
  const value = (e: BenchEntry) => e.gflops ?? e.imagesPerSecond ?? 0;
  const maxV = Math.max(1e-9, ...rows.map(value));
  const rowH = 22;
  const labelW = 420;
  const barW = 360;
  const h = rows.length * rowH + 40;
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2'];
  const backends = [...new Set(rows.map((e) => e.backend))];
  const bars = rows
    .map((e, i) => {
      const y = 30 + i * rowH;
      const w = (value(e) / maxV) * barW;
      const color = palette[backends.indexOf(e.backend) % palette.length];
      const unit = e.gflops !== undefined ? 'GFLOP/s' : 'img/s';
      return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(`${e.backend} · ${e.name}`)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"/><text x="${labelW + w + 4}" y="${y + 14}">${value(e).toFixed(2)} ${unit}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 140}" height="${h}" font-family="sans-serif" font-size="12">
<text x="10" y="18" font-weight="bold">${esc(`Throughput per backend (${r.machine.cpuModel}, ${r.machine.cores} cores)`)}</text>
${bars}
</svg>
`;
}
