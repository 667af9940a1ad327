// Shared vitest settings: every project resolves @msflow/* to TypeScript sources, so tests
// never depend on a prior build, and writes a JSON report that .ci/run sums into one line.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/** Maps every workspace package's `exports` subpaths to their `src` entry files. */
function workspaceAliases(): { find: string; replacement: string }[] {
  const aliases: { find: string; replacement: string }[] = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const pkgFile = join(dir, name, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
        name: string;
        exports?: Record<string, { import?: string }>;
      };
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        if (!target.import) continue;
        const src = target.import.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
        aliases.push({ find: pkg.name + sub.slice(1), replacement: resolve(dir, name, src) });
      }
    }
  }
  // Longest first, so '@msflow/core/testing' wins over '@msflow/core'.
  return aliases.sort((a, b) => b.find.length - a.find.length);
}

/** Vitest config for one workspace project; `extra` is merged into `test`. */
export function projectConfig(extra: UserConfig['test'] = {}): UserConfig {
  return defineConfig({
    resolve: { alias: workspaceAliases() },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: 'reports/vitest.json' },
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      ...extra,
    },
  });
}
