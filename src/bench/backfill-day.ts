// One local day's backfill as an operator runs it: the compiled command in a process of
// its own (start-up, the upstream check, the migration check, the windows, closing), from
// the simulator over HTTP into a freshly migrated database. Also the time from the
// command's start to its first window (the log line `backfill`, written just before the
// windows' first requests).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import type { Config } from '../config.ts';
import { withDatabase } from '../config.ts';
import { connect } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { startSimulator } from '../simulator/server.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DayBackfill {
  /** Whole process, spawn to exit. */
  seconds: number;
  /** Spawn to the run's first window. */
  startupSeconds: number;
}

function runOnce(env: Record<string, string>, from: string, to: string): Promise<DayBackfill> {
  const started = performance.now();
  let firstWindow = NaN;
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'backfill.js'), '--from', from, '--to', to], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (Number.isNaN(firstWindow) && line.includes('"msg":"backfill"')) firstWindow = (performance.now() - started) / 1000;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`backfill of one day exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else resolve({ seconds, startupSeconds: firstWindow });
    });
  });
}

/**
 * Median of `runs` one-day backfills of `agents` agents (the local day before `endTs`'s),
 * each into an empty database that is migrated first and dropped after.
 */
export async function dayBackfill(cfg: Config, opts: { agents: number; seed: number; endTs: number; runs: number }): Promise<DayBackfill> {
  const zone = cfg.reportTz;
  const day = DateTime.fromSeconds(opts.endTs, { zone }).startOf('day').minus({ days: 1 });
  const sim = await startSimulator({ agents: opts.agents, seed: opts.seed, days: 2, now: () => opts.endTs, pageSize: cfg.apiPageSize });
  const results: DayBackfill[] = [];
  try {
    for (let i = 0; i < opts.runs; i++) {
      const dbName = `apr_bench_${process.pid}_day${opts.agents}_${i}`;
      const dbUrl = withDatabase(cfg.databaseUrl, dbName);
      try {
        // the whole default calendar, as an operator's database has: the command's own
        // migrate then finds nothing to do
        await migrate({ databaseUrl: dbUrl, reportTz: zone });
        const env = { DATABASE_URL: dbUrl, REPORT_TZ: zone, API_BASE: sim.url, API_USERNAME: 'bench', API_PASSWORD: 'bench', TENANT: 'bench', ACCOUNT_ID: 'bench' };
        results.push(await runOnce(env, day.toFormat('yyyy-MM-dd HH:mm'), day.plus({ days: 1 }).toFormat('yyyy-MM-dd HH:mm')));
      } finally {
        const server = await connect(withDatabase(cfg.databaseUrl, ''));
        await server.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(dbName)}`);
        await server.end();
      }
    }
  } finally {
    await sim.close();
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { seconds: mid(results.map((r) => r.seconds)), startupSeconds: mid(results.map((r) => r.startupSeconds)) };
}
