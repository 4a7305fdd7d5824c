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

/**
 * `npm run <script> -- args` (or `npm start`), the whole tree npm makes, in a process group
 * of its own: a test can signal the group as a terminal's Ctrl-C does, and a test that
 * fails leaves no grandchild behind (killLeftovers).
 */
export function runNpm(npmArgs: string[], env: Record<string, string | undefined>): Child {
  return watch(spawn('npm', npmArgs, { ...options(env), detached: true }), true);
}

const running = new Set<{ proc: ChildProcess; group: boolean }>();

/** Kills what a failed test left running (afterEach), so it holds no lock for the next test. */
export async function killLeftovers(): Promise<void> {
  for (const r of running) {
    try {
      if (r.group) process.kill(-r.proc.pid!, 'SIGKILL');
      else r.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

function options(env: Record<string, string | undefined>) {
  return {
    cwd: ROOT,
    // only what the test gives: no .env or developer settings leak in; logs as lines
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'pretty', ...env },
    stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
  };
}

function watch(proc: ChildProcess, group = false): Child {
  const entry = { proc, group };
  running.add(entry);
  proc.once('exit', () => running.delete(entry));
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const partial = new Map<unknown, string>();
  const onData = (stream: unknown) => (buf: Buffer) => {
    const parts = ((partial.get(stream) ?? '') + buf.toString('utf8')).split('\n');
    partial.set(stream, parts.pop()!);
    for (const line of parts) {
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
  proc.stdout!.on('data', onData('out'));
  proc.stderr!.on('data', onData('err'));
  // 'close': the process ended and its output is read to the end (a last line without
  // a newline included)
  const exited = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => {
      for (const rest of partial.values()) if (rest !== '') lines.push(rest);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
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
