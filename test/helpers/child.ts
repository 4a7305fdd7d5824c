// Runs one of the commands as a child process, as an operator would: the compiled
// dist/cli/*.js that npm scripts run (the global setup builds dist/), and watches its
// output lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `re` (waiting up to `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** `script` as in src/cli ('start.ts'); runs dist/cli/start.js. */
export function runCommand(script: string, args: string[], env: Record<string, string | undefined>): Child {
  return watch(spawn(process.execPath, [join(ROOT, 'dist', 'cli', script.replace(/\.ts$/, '.js')), ...args], options(env)));
}

/** `npm run <script> -- args` (or `npm start`), the whole tree npm makes. */
export function runNpm(npmArgs: string[], env: Record<string, string | undefined>): Child {
  return watch(spawn('npm', npmArgs, options(env)));
}

function options(env: Record<string, string | undefined>) {
  return {
    cwd: ROOT,
    // only what the test gives: no .env or developer settings leak in; logs as lines
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'pretty', ...env },
    stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
  };
}

function watch(proc: ChildProcess): Child {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    proc,
    lines,
    exited,
    waitFor(re, ms = 30_000) {
      const found = lines.find((l) => re.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; output:\n${lines.join('\n')}`)), ms);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}
