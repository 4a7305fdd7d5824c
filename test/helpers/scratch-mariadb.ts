// A second MariaDB server of the test's own, on a temporary datadir and port, for tests
// that kill the database (the shared server on 3306 is never touched). Uses the server
// binaries of the machine (mariadb-install-db, mariadbd).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ScratchMariaDb {
  /** mysql://root@127.0.0.1:<port>/ */
  url: string;
  /** SIGKILL: the server dies as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same datadir and port. */
  start(): Promise<void>;
  /** Stops it and removes the datadir. */
  destroy(): Promise<void>;
}

export async function startScratchMariaDb(): Promise<ScratchMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'apr-mariadb-'));
  const datadir = join(dir, 'data');
  // --no-defaults: the machine's my.cnf (user, paths) must not apply to this server
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root']);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}/`;
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'mariadbd',
      ['--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${join(dir, 'sock')}`, '--user=root', '--bind-address=127.0.0.1', '--skip-log-bin', '--innodb-buffer-pool-size=64M', '--max-connections=50'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const c = await mysql.createConnection({ uri: url });
        await c.end();
        return;
      } catch (err) {
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the scratch mariadbd did not start on port ${port}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
