/**
 * `@msflow/bench`: backend benchmarks (op micro benchmarks with FLOP counts and share of the
 * machine's peak) and their JSON, Markdown and SVG reports.
 *
 * @packageDocumentation
 */
export { runBench, type BenchOptions } from './run.js';
export { describeMachine, type MachineInfo } from './machine.js';
export { measure, summarize, type Timing } from './stats.js';
export { toMarkdown, toSvg, type BenchEntry, type BenchReport } from './report.js';
export { opCases, type OpCase } from './ops.js';
