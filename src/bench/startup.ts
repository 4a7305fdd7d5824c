// Process start-up, whole process, as an operator meets it: `npm run backfill -- --help`
// (npm, then node running scripts/run.mjs and the compiled command) and the command alone
// under node.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function medianSeconds(command: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(command, args, { cwd: ROOT, stdio: 'ignore', env: process.env });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median seconds of `runs` starts: through npm, and node on the compiled command alone. */
export function startupSeconds(runs = 5): { npm: number; node: number } {
  return {
    npm: medianSeconds('npm', ['run', '-s', 'backfill', '--', '--help'], runs),
    node: medianSeconds(process.execPath, [join(ROOT, 'dist', 'cli', 'backfill.js'), '--help'], runs),
  };
}
