// Builds dist/ from src/ when dist/ is missing or older than the sources, so every npm
// script can run compiled JavaScript (`node dist/...`: a fast start, and signals reach the
// service's own process). Run on `npm ci` (prepare), and by scripts/run.mjs before each
// command. Plain JavaScript: it must work before anything is compiled.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds dist/ if it is out of date (or `force`); false (having said why on stderr) when it cannot. */
export function ensureBuilt(force = false) {
  // An image or a package without the TypeScript sources (dist/ copied in, and at most the
  // page's files under src/) has nothing to build.
  if (!existsSync(join(root, 'src', 'cli'))) return true;
  const sourcesAt = Math.max(newest(join(root, 'src')), newest(join(root, 'tsconfig.json')), newest(join(root, 'tsconfig.build.json')));
  if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= sourcesAt) return true;

  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.error('dist/ is missing or older than src/, and TypeScript is not installed to build it: run npm ci (with dev dependencies), then npm run build');
    return false;
  }
  if (!force) console.error('building dist/ from src/ (tsc -p tsconfig.build.json) ...');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('the build failed (errors above): fix them, or run npm run typecheck for the details');
    return false;
  }
  writeFileSync(stamp, new Date().toISOString() + '\n');
  return true;
}

// `node scripts/ensure-built.mjs [--force]`: --force builds even when dist/ looks current (npm run build)
if (process.argv[1] === fileURLToPath(import.meta.url) && !ensureBuilt(process.argv.includes('--force'))) process.exit(1);
