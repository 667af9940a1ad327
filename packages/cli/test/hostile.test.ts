// The hostile-input suite (issue 28): each case the issue found against the built CLI, as a
// hostile or careless user would hit it. Every one must fail closed: one line naming the file or
// flag and what is wrong, a non-zero exit, nothing half-written, the last good checkpoint intact.
// End to end (it spawns the built binary and trains one tiny model in beforeAll); the codec,
// checkpoint and fault-injection details are unit-tested in eval, core and detector.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32, decodeSafetensors, deserializeCheckpoint, encodeSafetensors, sealSidecar, type CheckpointSidecar } from '@msflow/core';
import { encodePng, readImageSync, writeImageSync } from '@msflow/data';
import { pngWithHeader } from '@msflow/data/testing';
import { BIN, msflow, tmp, type Run } from './helpers.js';

/** Exactly one stderr line (after any progress logs), matching `pattern`, and exit `code`. */
function failsWith(r: Run, code: number, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('msflow: '));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
}

/** A copy of the trained run folder, for one test to damage. */
function copyRun(dir: string, base: string, name: string): string {
  const to = join(dir, 'copies', name);
  cpSync(join(dir, base), to, { recursive: true, dereference: true });
  return to;
}

type Sidecar = CheckpointSidecar & { cli: { thresholds: { normal: { value: unknown; pixel: { threshold: unknown } } } } };
const readSidecar = (run: string) => JSON.parse(readFileSync(join(run, 'model.json'), 'utf8')) as Sidecar;
const writeSidecar = (run: string, s: object) => writeFileSync(join(run, 'model.json'), JSON.stringify(s));

/** Rewrites the weights with `edit` applied to each tensor named by `pattern`, and a sidecar whose CRCs match. */
function editWeights(run: string, pattern: RegExp, edit: (data: Float32Array) => void): string {
  const { tensors, metadata } = decodeSafetensors(readFileSync(join(run, 'model.safetensors')));
  const names = [...tensors.keys()].filter((n) => pattern.test(n));
  for (const name of names) {
    const t = tensors.get(name)!;
    const data = Float32Array.from(t.data);
    edit(data);
    tensors.set(name, { shape: t.shape, data });
  }
  const bytes = encodeSafetensors(tensors, metadata);
  writeFileSync(join(run, 'model.safetensors'), bytes);
  const s = readSidecar(run);
  writeSidecar(run, sealSidecar({ ...s, weights: { ...s.weights, bytes: bytes.length, crc32: crc32(bytes) } }));
  return names[0];
}

/** GET `path` with a chosen Host header (fetch() does not let a caller set one). */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Starts `msflow serve`, resolves with its URL and stderr once it listens; `stop` ends it. */
function serve(args: string[], cwd: string): Promise<{ url: string; stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0', '--json'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('close', () => done());
      child.kill('SIGTERM');
    });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`msflow serve did not start: ${stderr}`));
    }, 240_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      try {
        const { url } = JSON.parse(stdout) as { url: string };
        clearTimeout(timer);
        ok({ url, stderr: () => stderr, stop });
      } catch {
        // Not all of the JSON yet.
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      fail(new Error(`msflow serve exited ${code}: ${stderr}`));
    });
  });
}

describe('hostile input (issue 28): the built CLI fails closed', () => {
  const dir = tmp();
  const base = 'runs/synth_woven/latest';
  const train = ['train', '--data', 'data', '--class', 'synth_woven', '--preset', 'cpu-resnet18', '--backbone', 'random', '--backend', 'tfjs', '--size', '32', '--epochs', '1', '--sub-epochs', '1', '--batch-size', '4', '--seed', '1', '--trainer', 'eager'];
  const good = () => join(dir, 'data', 'synth_woven', 'test', 'good', '000.png');

  beforeAll(async () => {
    const s = await msflow(['synth', 'data', '--size', '32', '--train', '4', '--test-good', '2', '--test-anomalous', '2', '--seed', '1'], dir);
    expect(s.code, s.stderr).toBe(0);
    // --no-eval: case 8 resumes this run and checks that it still does not evaluate.
    const t = await msflow([...train, '--no-eval'], dir);
    expect(t.code, t.stderr).toBe(0);
  });

  it('case 1: NaN or infinite weights: info, predict, test and export refuse the checkpoint naming the file and the tensor; export writes nothing', async () => {
    const run = copyRun(dir, base, 'nan');
    const tensor = editWeights(run, /^parallel\.0\.0\.subnet\.conv2\.weight$/, (d) => (d[5] = NaN));
    const line = new RegExp(`^msflow: .*copies/nan/model\\.safetensors: weights are not finite: ${tensor.replace(/\./g, '\\.')}\\[5\\] is NaN`);
    failsWith(await msflow(['info', run], dir), 1, line);
    failsWith(await msflow(['predict', run, good(), '--backend', 'tfjs'], dir), 1, line);
    failsWith(await msflow(['test', run, '--backend', 'tfjs'], dir), 1, line);
    failsWith(await msflow(['export', run, join(dir, 'nan.onnx')], dir), 1, line);
    expect(existsSync(join(dir, 'nan.onnx'))).toBe(false);
    editWeights(run, /^parallel\.0\.0\.subnet\.conv2\.weight$/, (d) => (d[5] = -Infinity));
    failsWith(await msflow(['info', run], dir), 1, /weights are not finite: .*\[5\] is -Infinity/);
  });

  it('case 1: a model that scores an image NaN gets an error naming the image and the checkpoint, never the label "normal"', async () => {
    const run = copyRun(dir, base, 'overflow');
    // Finite weights that overflow float32 inside the flow.
    editWeights(run, /^parallel\.0\.0\.subnet\.conv2\.weight$/, (d) => d.fill(3e38));
    failsWith(await msflow(['predict', run, good(), '--backend', 'tfjs'], dir), 1, /^msflow: .*test\/good\/000\.png: the model scored it NaN with checkpoint .*copies\/overflow\/model\.safetensors, not a number; no label/);
  });

  it('case 2: a 74-byte PNG whose header claims 30000x30000 is refused from its header, naming the file', async () => {
    const bomb = join(dir, 'bomb.png');
    writeFileSync(bomb, pngWithHeader({ width: 30000, height: 30000 }));
    expect(readFileSync(bomb).length).toBeLessThan(80);
    failsWith(await msflow(['predict', base, bomb, '--backend', 'tfjs'], dir), 1, /^msflow: cannot decode .*bomb\.png: PNG: header says 30000x30000 = 900 megapixels, over the limit of 100 megapixels per image/);
  });

  it('case 3: a save killed between its two moves is read as the new pair, and --resume finishes it and removes stale temporaries', async () => {
    const run = copyRun(dir, base, 'killed');
    const old = readFileSync(join(run, 'model.json'));
    // The new save: other weights (one value changed) and their sidecar, committed to .model.next;
    // the weights were moved into place, then the process died before moving the sidecar.
    editWeights(run, /^fusion\.phi1\.s0\.bias$/, (d) => (d[0] += 0.5));
    mkdirSync(join(run, '.model.next'));
    cpSync(join(run, 'model.json'), join(run, '.model.next', 'model.json'));
    writeFileSync(join(run, 'model.json'), old);
    // Litter of killed writers: an old-style weights temporary and a staging folder never committed.
    writeFileSync(join(run, '.model.safetensors.4242.1.tmp'), Buffer.alloc(4096));
    mkdirSync(join(run, '.model.next.4242.tmp'));
    const info = await msflow(['info', run, '--json'], dir);
    expect(info.code, info.stderr).toBe(0);
    const resumed = await msflow(['train', '--resume', run, '--backend', 'tfjs'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const tidied = /copies\/killed: (.*) \(left by an interrupted run\)/.exec(resumed.stderr)?.[1].split(', ');
    expect(tidied?.sort()).toEqual(['finished saving model.json', 'removed .model.next.4242.tmp', 'removed .model.safetensors.4242.1.tmp']);
    expect(readdirSync(run).filter((f) => f.startsWith('.'))).toEqual([]);
    const after = await msflow(['info', run], dir);
    expect(after.code, after.stderr).toBe(0);
  });

  it('case 3: a second writer of one run is refused while the first holds its lock', async () => {
    const run = copyRun(dir, base, 'locked');
    writeFileSync(join(run, '.lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), started: '2026-01-01T00:00:00Z', what: 'msflow train --resume' }));
    failsWith(await msflow(['train', '--resume', run, '--backend', 'tfjs'], dir), 1, new RegExp(`^msflow: .*copies/locked: another process \\(pid ${process.pid} on .*\\) is writing here; wait for it to finish, or delete .*\\.lock if that process is gone`));
    expect(readFileSync(join(run, 'model.json'))).toEqual(readFileSync(join(dir, base, 'model.json')));
  });

  it('case 4: an output that cannot be written is named with the cause (export, predict --maps)', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    failsWith(await msflow(['export', base, join(blocker, 'm.onnx')], dir), 1, /^msflow: cannot create .*not-a-folder: /);
    failsWith(await msflow(['predict', base, good(), '--backend', 'tfjs', '--maps', join(blocker, 'maps')], dir), 1, /^msflow: cannot create .*not-a-folder\/maps: /);
  });

  it('case 5: a sidecar with inputSize 32000, swapped permutations, an unknown backbone or a threshold "abc" is refused naming the file and the field', async () => {
    const run = copyRun(dir, base, 'sidecar');
    const original = readSidecar(run);
    const cases: [object, RegExp][] = [
      [sealSidecar({ ...original, config: { ...original.config, inputSize: [32000, 32000] } }), /field config: invalid MSFlow config: inputSize must be \[height, width\], positive integers up to 4096/],
      [{ ...original, config: { ...original.config, inputSize: [32000, 32000] } }, /sidecar CRC-32 is [0-9a-f]{8}, the sidecar recorded [0-9a-f]{8} \(edited or corrupt/],
      [
        (() => {
          const s = structuredClone(original);
          const p = s.permutations.fusion[0];
          [p[0], p[1]] = [p[1], p[0]];
          return s;
        })(),
        /sidecar CRC-32 is/,
      ],
      [sealSidecar({ ...original, config: { ...original.config, backbone: 'vgg99' }, backbone: { ...original.backbone, id: 'vgg99' } }), /field config\.backbone: unknown backbone 'vgg99'/],
      [sealSidecar({ ...original, cli: { ...original.cli, thresholds: { normal: { ...original.cli.thresholds.normal, value: 'abc' } } } }), /model\.json: field cli\.thresholds\.normal\.value: expected a finite number, got "abc"/],
      [
        sealSidecar({ ...original, cli: { ...original.cli, thresholds: { normal: { ...original.cli.thresholds.normal, pixel: { ...original.cli.thresholds.normal.pixel, threshold: null } } } } }),
        /model\.json: field cli\.thresholds\.normal\.pixel: expected finite \{ threshold, low \}/,
      ],
    ];
    for (const [sidecar, pattern] of cases) {
      writeSidecar(run, sidecar);
      failsWith(await msflow(['predict', run, good(), '--backend', 'tfjs'], dir), 1, pattern);
    }
  });

  it('case 6: unknown keys under model: and values of the wrong type in a config file exit 2 naming the key and the file', async () => {
    writeFileSync(join(dir, 'typo.yaml'), 'data: data\nclass: synth_woven\nmodel:\n  blcoks: [1, 1, 1]\n');
    failsWith(await msflow(['train', '--config', 'typo.yaml'], dir), 2, /^msflow: --config typo\.yaml: unknown key model\.blcoks \(did you mean blocks\?\)/);
    writeFileSync(join(dir, 'junk.json'), JSON.stringify({ data: 'data', class: 'synth_woven', model: { train: { junk: 'x'.repeat(100_000) } } }));
    failsWith(await msflow(['train', '--config', 'junk.json'], dir), 2, /^msflow: --config junk\.json: unknown key model\.train\.junk/);
    writeFileSync(join(dir, 'list.yaml'), 'data: [1, 2]\nclass: synth_woven\n');
    failsWith(await msflow(['train', '--config', 'list.yaml'], dir), 2, /^msflow: --config list\.yaml: key data must be a string \(a path\), got a list/);
    writeFileSync(join(dir, 'epochs.yaml'), 'data: data\nclass: synth_woven\nepochs: 0\n');
    failsWith(await msflow(['train', '--config', 'epochs.yaml'], dir), 2, /^msflow: --config epochs\.yaml: epochs: expected an integer >= 1, got '0'/);
    expect(existsSync(join(dir, 'runs', 'synth_woven'))).toBe(true); // the trained run only
    expect(readdirSync(join(dir, 'runs', 'synth_woven'))).toHaveLength(2);
  });

  it('case 7: serve answers only its own Host, shows no absolute local paths, and warns when bound to every interface', async () => {
    const s = await serve([base], dir);
    try {
      expect(s.stderr()).not.toMatch(/warning/);
      const port = new URL(s.url).port;
      expect((await get(s.url, '/api/model.safetensors', `rebind.example:${port}`)).status).toBe(421);
      expect((await get(s.url, '/api/model', `localhost:${port}`)).status).toBe(200);
      const sidecar = await get(s.url, '/api/model.json', `127.0.0.1:${port}`);
      expect(sidecar.status).toBe(200);
      expect(sidecar.body).not.toContain(dir);
      const strings: string[] = [];
      JSON.parse(sidecar.body, (_k, v) => (typeof v === 'string' && strings.push(v), v));
      expect(strings.filter((v) => v.startsWith('/'))).toEqual([]);
      // Still a valid checkpoint for the page's WebGPU path.
      const weights = readFileSync(join(dir, base, 'model.safetensors'));
      expect(deserializeCheckpoint(weights, JSON.parse(sidecar.body)).sidecar.config.inputSize).toEqual([32, 32]);
    } finally {
      await s.stop();
    }
    const open = await serve([base, '--host', '0.0.0.0'], dir);
    try {
      expect(open.stderr()).toMatch(/warning: --host 0\.0\.0\.0: serving the model and its weights to every machine that can reach this address/);
    } finally {
      await open.stop();
    }
  });

  it('case 8: a PNG with bytes after IEND is scored; a width-0 PNG is refused naming the file', async () => {
    const img = readImageSync(good());
    const trailing = join(dir, 'trailing.png');
    writeFileSync(trailing, Buffer.concat([encodePng(img), Buffer.from('bytes an uploader appended\n')]));
    const ok = await msflow(['predict', base, good(), trailing, '--backend', 'tfjs', '--json'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const [a, b] = (JSON.parse(ok.stdout) as { predictions: { score: number }[] }).predictions;
    expect(b.score).toBe(a.score);
    const zero = join(dir, 'zero.png');
    writeFileSync(zero, pngWithHeader({ width: 0, height: 8, inflated: new Uint8Array(8) }));
    failsWith(await msflow(['predict', base, zero, '--backend', 'tfjs'], dir), 1, /^msflow: cannot decode .*zero\.png: PNG: header says 0x8 pixels/);
  });

  it('case 8: a mask of another size than its image is refused naming the mask', async () => {
    const data = join(dir, 'badmask');
    cpSync(join(dir, 'data'), data, { recursive: true });
    const masks = join(data, 'synth_woven', 'ground_truth');
    const kind = readdirSync(masks)[0];
    const mask = join(masks, kind, readdirSync(join(masks, kind))[0]);
    writeImageSync(mask, { width: 8, height: 8, channels: 1, depth: 8, data: new Uint8Array(64) });
    failsWith(await msflow(['test', base, '--data', data, '--backend', 'tfjs', '--no-heatmaps'], dir), 1, /mask is 8x8 but its image .* is 32x32/);
  });

  it('case 8: --resume of a --no-eval run does not evaluate', async () => {
    const run = copyRun(dir, base, 'noeval');
    const r = await msflow(['train', '--resume', run, '--backend', 'tfjs'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/features of 4 training images/);
    expect(r.stderr).not.toMatch(/test images|image AUROC/);
    expect(existsSync(join(run, 'report.html'))).toBe(false);
  });
});
