// A second MariaDB server of the test's own, on a temporary datadir and port, for tests
// that kill the database (the shared server on 3306 is never touched), and a primary with
// a replica of it (startReplicaPair). Uses the server binaries of the machine
// (mariadb-install-db, mariadbd).
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
  port: number;
  /** SIGSTOP / SIGCONT: the server hangs with its connections open, as a stuck host does. */
  pause(): void;
  resume(): void;
  /** SIGKILL: the server dies as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same datadir and port. */
  start(): Promise<void>;
  /** Stops it and removes the datadir. */
  destroy(): Promise<void>;
}

export interface ScratchOptions {
  /** Server options instead of --skip-log-bin (e.g. a binary log and a server id). */
  args?: (dir: string) => string[];
}

export async function startScratchMariaDb(opts: ScratchOptions = {}): Promise<ScratchMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'apr-mariadb-'));
  const datadir = join(dir, 'data');
  // --no-defaults: the machine's my.cnf (user, paths) must not apply to this server
  // (its own tmpdir: two servers installed at once would share /tmp's temporary file names)
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root', `--tmpdir=${dir}`]);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}/`;
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'mariadbd',
      ['--no-defaults', `--datadir=${datadir}`, `--tmpdir=${dir}`, `--port=${port}`, `--socket=${join(dir, 'sock')}`, '--user=root', '--bind-address=127.0.0.1', '--innodb-buffer-pool-size=64M', '--max-connections=50',
        ...(opts.args?.(dir) ?? ['--skip-log-bin'])],
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
    // (one killed by a signal has no exit code, only a signal code)
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
      p.kill('SIGCONT'); // a paused server dies too
    });
  };
  await start();
  return {
    url,
    port,
    pause: () => proc?.kill('SIGSTOP'),
    resume: () => proc?.kill('SIGCONT'),
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ReplicaPair {
  primary: ScratchMariaDb;
  replica: ScratchMariaDb;
  /** Waits until the replica has applied everything the primary logged so far. */
  caughtUp(timeoutS?: number): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A primary (binary log in ROW format, as MySQL 8 defaults to) and a read-only replica
 * following it by GTID from its first event, both on their own ports and datadirs. The
 * replica's SQL thread can be stopped (STOP SLAVE SQL_THREAD) to make it lag.
 */
export async function startReplicaPair(): Promise<ReplicaPair> {
  const [primary, replica] = await Promise.all([
    startScratchMariaDb({ args: (dir) => ['--server-id=1', `--log-bin=${join(dir, 'binlog')}`, '--binlog-format=ROW'] }),
    startScratchMariaDb({ args: (dir) => ['--server-id=2', '--skip-log-bin', `--relay-log=${join(dir, 'relay')}`, '--read-only=1'] }),
  ]);
  try {
    const p = await mysql.createConnection({ uri: primary.url });
    await p.query("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'");
    await p.query("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'");
    await p.end();
    const r = await mysql.createConnection({ uri: replica.url });
    await r.query(
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos`,
    );
    await r.query('START SLAVE');
    await r.end();
  } catch (err) {
    await Promise.all([primary.destroy(), replica.destroy()]);
    throw err;
  }
  return {
    primary,
    replica,
    async caughtUp(timeoutS = 60) {
      const p = await mysql.createConnection({ uri: primary.url });
      const [[{ pos }]] = (await p.query('SELECT @@gtid_binlog_pos AS pos')) as unknown as [[{ pos: string }]];
      await p.end();
      const r = await mysql.createConnection({ uri: replica.url });
      try {
        const [[{ waited }]] = (await r.query('SELECT MASTER_GTID_WAIT(?, ?) AS waited', [pos, timeoutS])) as unknown as [[{ waited: number }]];
        if (Number(waited) !== 0) throw new Error(`the replica did not reach the primary's ${pos} within ${timeoutS} s`);
      } finally {
        await r.end();
      }
    },
    async destroy() {
      await Promise.all([primary.destroy(), replica.destroy()]);
    },
  };
}
