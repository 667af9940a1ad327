#!/usr/bin/env node
// Copies the built web page (apps/web/dist) into this package's web/ folder before `npm pack`,
// so an installed @msflow/cli can `msflow serve` without the private @msflow/web app; with
// --remove (after the pack) deletes the copy again, so a checkout never serves a stale page.
// The copy is git-ignored.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
if (process.argv.includes('--remove')) {
  rmSync(join(here, 'web'), { recursive: true, force: true });
  process.exit(0);
}
const from = join(here, '..', '..', 'apps', 'web', 'dist');
if (!existsSync(join(from, 'index.html'))) {
  console.error(`copy-web: ${from} is not built (run npm run build at the workspace root first)`);
  process.exit(1);
}
rmSync(join(here, 'web'), { recursive: true, force: true });
cpSync(from, join(here, 'web'), { recursive: true });
console.error(`copy-web: ${from} -> ${join(here, 'web')}`);
