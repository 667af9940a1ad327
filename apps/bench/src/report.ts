import type { MachineInfo } from './machine.js';
import type { ParityEntry } from './model_bench.js';
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
  /** Peak resident memory of the process so far (MiB). */
  rssMiB: number;
  /** Memory the backend holds on its device, where it can tell (MiB). */
  deviceMiB?: number;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: MachineInfo;
  /** Node and compute package versions. */
  versions: Record<string, string>;
  /** The model-level plan (absent for op-only runs). */
  plan?: { preset: string; sizes: number[]; batches: number[] };
  /** What each backend that started actually ran on (e.g. which tfjs backend was active). */
  backends: Record<string, string>;
  entries: BenchEntry[];
  /** Anomaly maps and scores of each backend against the first backend's. */
  parity: ParityEntry[];
  skipped: { backend: string; reason: string }[];
  /** When the report merges several runs on the same machine: each run's date and backends. */
  sources?: { date: string; backends: string[] }[];
}

const f = (v: number | undefined, digits = 2) => (v === undefined ? '' : v.toFixed(digits));
const sci = (v: number) => (Number.isNaN(v) ? 'NaN' : v === 0 ? '0' : v.toExponential(1));

/** Ratio of each entry's throughput to `first`'s on the same benchmark (absent where `first` has none). */
function ratios(entries: readonly BenchEntry[], first: string | undefined): Map<BenchEntry, number | undefined> {
  const value = (e: BenchEntry) => e.gflops ?? e.imagesPerSecond ?? 0;
  const base = new Map(entries.filter((e) => e.backend === first).map((e) => [e.name, value(e)]));
  return new Map(entries.map((e) => [e, base.has(e.name) ? value(e) / base.get(e.name)! : undefined]));
}

/** A Markdown report: machine, op table, model-stage table, parity and skips. */
export function toMarkdown(r: BenchReport): string {
  const ops = r.entries.filter((e) => e.kind === 'op');
  const model = r.entries.filter((e) => e.kind === 'model');
  const first = Object.keys(r.backends)[0];
  const lines = [
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}, Node ${r.machine.node}. ${r.quick ? 'Quick run.' : 'Full run.'} ${r.date.slice(0, 10)}.`,
    `Peak fp32: ${r.machine.peakGflops.toFixed(0)} GFLOP/s (${r.machine.peakNote}).`,
    `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    ...(r.sources ? [`Merged from runs on this machine: ${r.sources.map((s) => `${s.date} (${s.backends.join(', ')})`).join('; ')}; ratios and parity within each run's backends.`] : []),
    '',
    'Backends:',
    ...Object.entries(r.backends).map(([k, v]) => `- ${k}: ${v}`),
  ];
  if (ops.length) {
    const ratio = ratios(ops, first);
    lines.push(
      '',
      `Op micro benchmarks (× = throughput relative to ${first}):`,
      '',
      '| backend | op | median ms | spread | GFLOP/s | % peak | × | peak RSS MiB |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...ops.map((e) => `| ${e.backend} | ${e.name} | ${f(e.timing.medianMs)} | ${f(e.timing.spread * 100, 0)}% | ${f(e.gflops)} | ${e.peakShare === undefined ? '' : f(e.peakShare * 100, 1)} | ${f(ratio.get(e))} | ${e.rssMiB.toFixed(0)} |`),
    );
  }
  if (model.length) {
    const ratio = ratios(model, first);
    lines.push(
      '',
      `Model stages, preset \`${r.plan?.preset}\` (backbone with random weights: timing does not depend on them; × relative to ${first}):`,
      '',
      '| backend | stage | median ms | spread | img/s | × | peak RSS MiB | device MiB |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...model.map((e) => `| ${e.backend} | ${e.name} | ${f(e.timing.medianMs, 1)} | ${f(e.timing.spread * 100, 0)}% | ${f(e.imagesPerSecond)} | ${f(ratio.get(e))} | ${e.rssMiB.toFixed(0)} | ${f(e.deviceMiB, 0)} |`),
    );
  }
  if (r.parity.length) {
    lines.push(
      '',
      `Parity (same checkpoint and image, additive anomaly map and image score, against ${r.parity[0].reference}):`,
      '',
      '| backend | size | max abs map | mean abs map | max abs score | mean abs score |',
      '|---|---:|---:|---:|---:|---:|',
      ...r.parity.map((p) => `| ${p.backend} | ${p.size} | ${sci(p.maxAbsMap)} | ${sci(p.meanAbsMap)} | ${sci(p.maxAbsScore)} | ${sci(p.meanAbsScore)} |`),
    );
  }
  if (r.skipped.length) lines.push('', 'Skipped:', ...r.skipped.map((s) => `- ${s.backend}: ${s.reason}`));
  return lines.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];

/** A horizontal bar chart (SVG) of `rows`, one colour per backend. */
function barChart(title: string, rows: readonly BenchEntry[], value: (e: BenchEntry) => number, unit: string): string {
  const maxV = Math.max(1e-9, ...rows.map(value));
  const rowH = 22;
  const labelW = 420;
  const barW = 360;
  const h = rows.length * rowH + 40;
  const backends = [...new Set(rows.map((e) => e.backend))];
  const bars = rows
    .map((e, i) => {
      const y = 30 + i * rowH;
      const w = (value(e) / maxV) * barW;
      const color = PALETTE[backends.indexOf(e.backend) % PALETTE.length];
      return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(`${e.backend} · ${e.name}`)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"/><text x="${labelW + w + 4}" y="${y + 14}">${value(e).toFixed(2)} ${unit}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 140}" height="${h}" font-family="sans-serif" font-size="12">
<text x="10" y="18" font-weight="bold">${esc(title)}</text>
${bars}
</svg>
`;
}

/** Op throughput (GFLOP/s) and model throughput (img/s) per backend, as one SVG each. */
export function toSvg(r: BenchReport): string {
  return barChart(`Op throughput per backend (${r.machine.cpuModel}, ${r.machine.cores} cores)`, r.entries.filter((e) => e.gflops !== undefined), (e) => e.gflops ?? 0, 'GFLOP/s');
}

/** Images per second of every model stage, per backend (SVG). */
export function toModelSvg(r: BenchReport): string {
  return barChart(`MSFlow stages, images/s (${r.plan?.preset ?? ''} preset; ${r.machine.cpuModel}, ${r.machine.cores} cores)`, r.entries.filter((e) => e.kind === 'model'), (e) => e.imagesPerSecond ?? 0, 'img/s');
}

/**
 * Scaling chart (SVG): inference images/s against batch size, one line per backend and input
 * size.
 */
export function toScalingSvg(r: BenchReport): string {
  const pts = r.entries
    .filter((e) => e.kind === 'model' && e.name.startsWith('inference '))
    .map((e) => {
      const m = /(\d+)px batch (\d+)/.exec(e.name)!;
      return { series: `${e.backend} ${m[1]}px`, batch: Number(m[2]), v: e.imagesPerSecond ?? 0 };
    });
  const series = [...new Set(pts.map((p) => p.series))];
  const batches = [...new Set(pts.map((p) => p.batch))].sort((a, b) => a - b);
  const W = 560;
  const H = 300;
  const L = 60;
  const B = 40;
  const maxV = Math.max(1e-9, ...pts.map((p) => p.v)) * 1.1;
  const x = (b: number) => L + (batches.length > 1 ? (batches.indexOf(b) / (batches.length - 1)) * (W - L - 160) : (W - L - 160) / 2);
  const y = (v: number) => H - B - (v / maxV) * (H - B - 30);
  const lines = series
    .map((s, i) => {
      const p = pts.filter((q) => q.series === s).sort((a, b) => a.batch - b.batch);
      const color = PALETTE[i % PALETTE.length];
      const d = p.map((q, j) => `${j ? 'L' : 'M'}${x(q.batch).toFixed(1)},${y(q.v).toFixed(1)}`).join(' ');
      const dots = p.map((q) => `<circle cx="${x(q.batch).toFixed(1)}" cy="${y(q.v).toFixed(1)}" r="3" fill="${color}"/>`).join('');
      return `<path d="${d}" stroke="${color}" fill="none" stroke-width="2"/>${dots}<text x="${W - 150}" y="${40 + i * 16}" fill="${color}">${esc(s)}</text>`;
    })
    .join('\n');
  const ticks = batches.map((b) => `<text x="${x(b).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${b}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<text x="10" y="18" font-weight="bold">Inference images/s by batch size and input size</text>
<line x1="${L}" y1="${H - B}" x2="${W - 160}" y2="${H - B}" stroke="#444"/><line x1="${L}" y1="30" x2="${L}" y2="${H - B}" stroke="#444"/>
<text x="${L - 6}" y="34" text-anchor="end">${maxV.toFixed(1)}</text><text x="${L - 6}" y="${H - B}" text-anchor="end">0</text>
<text x="${(L + W - 160) / 2}" y="${H - 6}" text-anchor="middle">batch size</text>
${ticks}
${lines}
</svg>
`;
}
