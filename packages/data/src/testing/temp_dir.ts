import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary folder and a function that deletes it.
 *
 * @example
 * ```ts
 * const tmp = tempDir();
 * afterAll(tmp.cleanup);
 * ```
 */
export function tempDir(prefix = 'msflow-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
