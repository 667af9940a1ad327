#!/usr/bin/env node
// The two Node steps of gpu-check.sh (build first):
//   node apps/bench/scripts/gpu-check.mjs adapter          prints the hardware adapter Dawn finds, or
//                                                         one line saying why there is none (exit 1)
//   node apps/bench/scripts/gpu-check.mjs report OUT SECS  writes OUT/gpu-check.json and OUT/gpu-check.md
//                                                         from the steps, test and bench results in OUT
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);

if (command === 'adapter') {
  try {
    const { createWebgpuBackend } = await import('@msflow/backend-webgpu');
    const backend = await createWebgpuBackend({ allowSoftware: false, swiftShaderFallback: false });
    process.stdout.write(`${backend.info().detail}\n`);
    backend.dispose();
    process.exit(0);
  } catch (err) {
    process.stdout.write(`${String(err instanceof Error ? err.message : err).replace(/\s*\n\s*/g, '; ')}\n`);
    process.exit(1);
  }
} else if (command === 'report' && args.length === 2) {
  report(args[0], Number(args[1]));
} else {
  process.stderr.write('usage: gpu-check.mjs adapter | report OUT_DIR SECONDS\n');
  process.exit(2);
}

/** The GPU as nvidia-smi names it (name, driver, memory), or why it cannot. */
function nvidiaGpus() {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.error ? r.error.message : (r.stderr || 'nvidia-smi failed').trim() };
  return r.stdout.trim().split('\n').map((line) => {
    const [name, driver, memory] = line.split(',').map((s) => s.trim());
    return { name, driver, memory };
  });
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

function writeAtomic(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function report(out, seconds) {
  const steps = readFileSync(join(out, 'steps.tsv'), 'utf8').trim().split('\n').filter(Boolean).map((line) => {
    const [name, status, secs, detail] = line.split('\t');
    return { name, status, seconds: Number(secs), detail };
  });
  const tests = readJson(join(out, 'webgpu-tests.json'));
  const bench = readJson(join(out, 'bench', 'bench.json'));
  const gpus = nvidiaGpus();
  const result = {
    schema: 'msflow-gpu-check/1',
    date: new Date().toISOString(),
    host: hostname(),
    gpu: gpus,
    adapter: process.env.MSFLOW_GPU_CHECK_ADAPTER ?? null,
    vulkan: process.env.MSFLOW_GPU_CHECK_VULKAN ?? null,
    seconds,
    ok: steps.every((s) => s.status === 'ok'),
    steps,
    webgpuTests: tests
      ? { success: tests.success, total: tests.numTotalTests, passed: tests.numPassedTests, failed: tests.numFailedTests, skipped: tests.numPendingTests, failedFiles: tests.numFailedTestSuites }
      : null,
    benchBackends: process.env.MSFLOW_GPU_CHECK_BACKENDS ?? null,
    bench: bench ?? null,
  };
  writeAtomic(join(out, 'gpu-check.json'), `${JSON.stringify(result, null, 2)}\n`);

  const gpuLine = Array.isArray(gpus) ? gpus.map((g) => `${g.name} (driver ${g.driver}, ${g.memory})`).join('; ') : `unknown (${gpus.error})`;
  const md = [
    `# GPU check: ${gpuLine}`,
    '',
    `${result.date}, host ${result.host}, ${seconds} s, ${result.ok ? 'every step passed' : 'SOME STEPS FAILED'}.`,
    '',
    `- WebGPU adapter: ${result.adapter ?? 'none'}`,
    `- Vulkan: ${result.vulkan ?? 'unknown'}`,
    `- WebGPU conformance + kernel checks on the hardware adapter: ${tests ? `${tests.success ? 'passed' : 'FAILED'}: ${tests.numPassedTests} passed, ${tests.numFailedTests} failed, ${tests.numPendingTests} skipped of ${tests.numTotalTests} (${tests.numFailedTestSuites} file(s) failed)` : 'no result'}`,
    `- Bench backends asked for: ${result.benchBackends ?? 'none'}`,
    '',
    '| step | status | s | detail |',
    '|---|---|---:|---|',
    ...steps.map((s) => `| ${s.name} | ${s.status} | ${s.seconds} | ${s.detail.replace(/\|/g, '\\|')} |`),
    '',
  ];
  const benchMd = join(out, 'bench', 'bench.md');
  if (existsSync(benchMd)) md.push('## Bench (quick reps, batch 1)', '', readFileSync(benchMd, 'utf8'));
  writeAtomic(join(out, 'gpu-check.md'), `${md.join('\n')}\n`);
}
