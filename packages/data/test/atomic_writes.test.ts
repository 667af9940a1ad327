// Atomic writes under faults (issue 28, cases 3 and 4): a full disk or a kill after any write or
// rename leaves either the old or the new set of files, never a mix, and the next writer cleans
// up; a lock stops two processes writing one folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, FileIoError, LockedError, readFileSet, recoverFileSet, writeFileAtomicSync, writeFileSet } from '../src/index.js';
import { FaultyOps, SimulatedKill, type FaultMode } from '../src/testing/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const FILES = ['model.safetensors', 'model.json'];
const version = (v: string) => new Map([['model.safetensors', `weights ${v} `.repeat(50)], ['model.json', `{"version":"${v}"}`]]);

/** The set a reader sees: which version each file holds. */
function seen(dir: string): string[] {
  const set = readFileSet(dir, 'model', FILES);
  return FILES.map((f) => /weights (\w+)|"version":"(\w+)"/.exec(set.get(f)!.bytes.toString())!.slice(1).find(Boolean)!);
}

let n = 0;
function runWithV1(): string {
  const dir = join(tmp.dir, `run${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSet(dir, 'model', version('v1'));
  return dir;
}

describe('atomic writes under faults (issue 28)', () => {
  it('case 3: a kill or a full disk after any write or rename of a save leaves one whole set, old or new; the next writer finishes or drops it', () => {
    const clean = new FaultyOps();
    writeFileSet(runWithV1(), 'model', version('v2'), clean);
    // Two durable writes, the commit rename, two moves into place.
    expect(clean.steps).toBe(5);
    for (let at = 1; at <= clean.steps; at++) {
      for (const mode of ['fail', 'stop'] as FaultMode[]) {
        const dir = runWithV1();
        const ops = new FaultyOps(at, mode);
        const step = `${mode} at step ${at}`;
        expect(() => writeFileSet(dir, 'model', version('v2'), ops), step).toThrow(mode === 'stop' ? SimulatedKill : FileIoError);
        // The commit is the third step: before it readers keep v1, from it on they get v2.
        const expected = at < 3 || (at === 3 && mode === 'fail') ? 'v1' : 'v2';
        expect(seen(dir), step).toEqual([expected, expected]);
        // A new process: takes over, finishes the commit or drops the temporary, and leaves no litter.
        recoverFileSet(dir, 'model');
        expect(seen(dir), step).toEqual([expected, expected]);
        expect(readdirSync(dir).sort(), step).toEqual(['model.json', 'model.safetensors']);
        writeFileSet(dir, 'model', version('v3'));
        expect(seen(dir), step).toEqual(['v3', 'v3']);
      }
    }
  });

  it('case 3: temporaries of a killed writer, old-style ones included, are removed when the next writer starts', () => {
    const dir = runWithV1();
    writeFileSync(join(dir, '.model.safetensors.4242.7.tmp'), 'x'.repeat(1000));
    mkdirSync(join(dir, '.model.next.4242.tmp'));
    writeFileSync(join(dir, '.model.next.4242.tmp', 'model.safetensors'), 'partial');
    writeFileSync(join(dir, 'report.html'), 'kept');
    const r = recoverFileSet(dir, 'model');
    expect(r.removed.sort()).toEqual(['.model.next.4242.tmp', '.model.safetensors.4242.7.tmp']);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors', 'report.html']);
    expect(seen(dir)).toEqual(['v1', 'v1']);
  });

  it('case 3: a sidecar rewritten alone (new thresholds) keeps the weights and is atomic too', () => {
    const dir = runWithV1();
    const clean = new FaultyOps();
    writeFileSet(dir, 'model', new Map([['model.json', '{"version":"v2"}']]), clean);
    expect(seen(dir)).toEqual(['v1', 'v2']);
    for (let at = 1; at <= clean.steps; at++) {
      const copy = runWithV1();
      expect(() => writeFileSet(copy, 'model', new Map([['model.json', '{"version":"v2"}']]), new FaultyOps(at, 'stop'))).toThrow(SimulatedKill);
      expect(seen(copy)[0]).toBe('v1');
      expect(['v1', 'v2']).toContain(seen(copy)[1]);
    }
  });

  it('case 4: a full disk names the file and the cause, and leaves nothing half-written', () => {
    const dir = runWithV1();
    expect(() => writeFileSet(dir, 'model', version('v2'), new FaultyOps(1, 'fail'))).toThrow(`cannot write ${join(dir, 'model.safetensors')}: disk full (ENOSPC)`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    const out = join(tmp.dir, 'maps', 'a.png');
    expect(() => writeFileAtomicSync(out, 'png bytes', new FaultyOps(1, 'fail'))).toThrow(`cannot write ${out}: disk full (ENOSPC)`);
    expect(readdirSync(join(tmp.dir, 'maps'))).toEqual([]);
    const blocked = join(tmp.dir, 'file-not-folder');
    writeFileSync(blocked, '');
    expect(() => writeFileAtomicSync(join(blocked, 'x.json'), '{}')).toThrow(new RegExp(`^cannot create ${blocked}: `));
  });

  it('case 3: a lock stops a second writer while the first is alive, and a stale lock is taken over', () => {
    const dir = runWithV1();
    const lock = acquireLock(dir, 'msflow train');
    // Held by this process: a nested holder shares it.
    const nested = acquireLock(dir);
    nested.release();
    expect(existsSync(lock.path)).toBe(true);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    // A live process (the one that started this test) holds it.
    const live = { pid: process.ppid, host: hostname(), started: '2026-01-01T00:00:00Z' };
    writeFileSync(join(dir, '.lock'), JSON.stringify(live));
    expect(() => acquireLock(dir)).toThrow(LockedError);
    expect(() => acquireLock(dir)).toThrow(new RegExp(`^${dir}: another process \\(pid ${live.pid} on .*\\) is writing here; wait for it to finish, or delete .*\\.lock if that process is gone`));
    // Another host cannot be checked: refused too.
    writeFileSync(join(dir, '.lock'), JSON.stringify({ ...live, host: 'elsewhere' }));
    expect(() => acquireLock(dir)).toThrow(/on elsewhere/);
    // A process that has exited: its lock is stale.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, '.lock'), JSON.stringify({ ...live, pid: Number(gone.stdout) }));
    // The same exited pid on another host is not known to be gone there: refused, not taken over.
    writeFileSync(join(dir, '.lock'), JSON.stringify({ ...live, pid: Number(gone.stdout), host: 'elsewhere' }));
    expect(() => acquireLock(dir)).toThrow(new RegExp(`pid ${Number(gone.stdout)} on elsewhere`));
    expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')).host).toBe('elsewhere');
    writeFileSync(join(dir, '.lock'), JSON.stringify({ ...live, pid: Number(gone.stdout) }));
    const taken = acquireLock(dir);
    expect(taken.tookOver?.pid).toBe(Number(gone.stdout));
    expect(JSON.parse(readFileSync(taken.path, 'utf8')).pid).toBe(process.pid);
    taken.release();
    const other = join(tmp.dir, 'copy');
    cpSync(dir, other, { recursive: true });
    expect(readdirSync(other).sort()).toEqual(['model.json', 'model.safetensors']);
  });
});
