#!/usr/bin/env node
// Type-checks every ```ts and ```js code block of the packages' READMEs (packages/**/README.md),
// each as its own module, against the workspace's sources: README examples must compile.
// Usage: node scripts/check-readme-snippets.mjs  (exit 1 listing the errors)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.tmp', 'readme-snippets');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
/** README.md files of a package: its own and those of its source folders. */
function readmes(dir) {
  const found = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !['node_modules', 'dist', 'reports', 'web', 'ResNet50'].includes(e.name)) found.push(...readmes(join(dir, e.name)));
    else if (e.name === 'README.md') found.push(join(dir, e.name));
  }
  return found;
}

const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  for (const readme of readmes(join(root, 'packages', pkg))) {
    const name = relative(join(root, 'packages'), readme).replace(/\/README\.md$/, '').replaceAll('/', '_');
    const text = readFileSync(readme, 'utf8');
    let i = 0;
    for (const m of text.matchAll(/^```(ts|js)\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, m.index).split('\n').length;
      const file = join(out, `${name}-${++i}.${m[1] === 'ts' ? 'ts' : 'mjs'}`);
      // Each block is a module of its own (top-level await allowed); the header points back to the README.
      writeFileSync(file, `// ${relative(root, readme)}:${line + 1}\n${m[2]}\nexport {};\n`);
      files.push(file);
    }
  }
}
const base = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).map(([k, v]) => [k, v.map((p) => join(root, p))]));
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: { composite: false, declaration: false, declarationMap: false, sourceMap: false, noEmit: true, allowJs: true, checkJs: true, baseUrl: root, paths, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
    files: files.map((f) => relative(out, f)),
  }),
);
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(out, 'tsconfig.json')], { encoding: 'utf8' });
const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS/.test(l));
if (errors.length) {
  // Name the README line of each error: the snippet file's first line says where it came from.
  for (const e of errors) {
    const file = join(root, e.split('(')[0]);
    const origin = file.startsWith(out) && existsSync(file) ? readFileSync(file, 'utf8').split('\n')[0].slice(3) : '';
    console.error(`${origin ? `${origin}: ` : ''}${e}`);
  }
  console.error(`README snippets: ${errors.length} type errors in ${files.length} blocks`);
  process.exit(1);
}
console.error(`README snippets: ${files.length} blocks type-check`);
