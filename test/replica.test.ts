// Reports from a read replica (README: Running on several servers), against a real primary/replica pair this file
// starts (test/helpers/scratch-mariadb.ts: binary log in ROW format, GTID replication).
// The collector loads into the primary; a report server with REPORT_DATABASE_URL on the
// replica answers as the primary did at the replica's moment, says how far behind it is,
// and fails health and reports quickly once the replica is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import { withDatabase } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { readReplication } from '../src/db/replication.ts';
import { startHttpServer } from '../src/http/server.ts';
import { runCollector } from '../src/collector/collector.ts';
import { memoryLogger, silentLogger } from '../src/log.ts';
import type { Upstream } from '../src/upstream/client.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';
import { TEST_CALENDAR } from './helpers/database.ts';
import { clientFor, simulator, SIM_NOW } from './helpers/simulator.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { startReplicaPair, type ReplicaPair } from './helpers/scratch-mariadb.ts';
import { launchBrowser } from './helpers/browser.ts';
import { get, testConfig } from './helpers/report.ts';

const TZ = 'Asia/Dubai';
const H = 3600;
const DB = 'apr';
const READER = 'apr_reader';
const NO_MONITOR = 'apr_select_only';

let pair: ReplicaPair;
let primaryUrl: string;
/** The report user on the replica: SELECT, EXECUTE (the timeline's procedure) and SLAVE MONITOR, as the README says. */
let replicaUrl: string;
let primary: Pool;
let sim: SimulatorHandle;
let upstream: Upstream;
const log = memoryLogger();
const primaryLog = memoryLogger();
let now = SIM_NOW + 7 * H + 123; // the collector's clock, epoch seconds
const T0 = now;
type Server = Awaited<ReturnType<typeof startHttpServer>>;
let viaReplica: Server;
let viaPrimary: Server;

function userUrl(serverUrl: string, user: string): string {
  const u = new URL(withDatabase(serverUrl, DB));
  u.username = user;
  u.password = `${user}-pw`;
  return u.toString();
}

async function collect(): Promise<void> {
  const run = await runCollector({ pool: primary, upstream, log: silentLogger, reportTz: TZ, overlapMinutes: 30, clock: () => now * 1000 });
  expect(run.outcome).toBe('ok');
}

async function onReplica(sql: string): Promise<void> {
  const c = await mysql.createConnection({ uri: pair.replica.url });
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The two days around T0 as JSON and CSV, and one agent's timeline, from a server. */
async function answers(server: Server): Promise<{ csv: string; json: string; horizon: unknown; timeline: string; live: unknown }> {
  const csv = await get(`${server.url}/api/report?startDate=2025-09-09&endDate=2025-09-11&interval=15m`);
  const json = await get(`${server.url}/api/report?startDate=2025-09-09&endDate=2025-09-11&format=json`);
  expect([csv.status, json.status], csv.text.slice(0, 300)).toEqual([200, 200]);
  const ext = (JSON.parse(json.text) as { ext: string }[])[0]!.ext;
  const timeline = await get(`${server.url}/api/timeline?ext=${ext}&date=2025-09-10`);
  expect(timeline.status, [...primaryLog.lines, ...log.lines].join('\n')).toBe(200);
  // the live state as the collector stored it (live_state replicates with the rest)
  const live = await get(`${server.url}/api/live`);
  expect(live.status, live.text.slice(0, 300)).toBe(200);
  const { age_seconds: _age, ...liveState } = live.json() as Record<string, unknown>;
  return { csv: csv.text, json: json.text, horizon: csv.headers['x-data-horizon'], timeline: timeline.text, live: liveState };
}

/**
 * Every base table of the database on a server: a hash of all its rows, all columns.
 * (Not CHECKSUM TABLE: it differs between two servers holding the same rows of a table
 * with a stored generated column, agents' ext_sort.)
 */
async function checksums(serverUrl: string): Promise<Record<string, unknown>> {
  const c = await mysql.createConnection({ uri: serverUrl });
  try {
    const [tables] = (await c.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1", [DB])) as unknown as [{ t: string }[]];
    const out: Record<string, unknown> = {};
    for (const { t } of tables) {
      const [rows] = (await c.query({ sql: `SELECT * FROM \`${DB}\`.\`${t}\``, rowsAsArray: true })) as unknown as [unknown[][]];
      const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v))).sort();
      out[t] = createHash('sha1').update(lines.join('\n')).digest('hex');
    }
    return out;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  pair = await startReplicaPair();
  primaryUrl = withDatabase(pair.primary.url, DB);
  replicaUrl = userUrl(pair.replica.url, READER);
  // the users are made on the primary and replicate, as an operator would make them
  const root = await mysql.createConnection({ uri: pair.primary.url });
  for (const user of [READER, NO_MONITOR]) await root.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${user}-pw'`);
  await root.query(`GRANT SELECT, EXECUTE, CREATE TEMPORARY TABLES ON \`${DB}\`.* TO '${READER}'@'127.0.0.1'`);
  await root.query(`GRANT SLAVE MONITOR ON *.* TO '${READER}'@'127.0.0.1'`);
  await root.query(`GRANT SELECT ON \`${DB}\`.* TO '${NO_MONITOR}'@'127.0.0.1'`);
  await root.end();
  // routines checked by the binary log itself: no log_bin_trust_function_creators here
  await migrate({ databaseUrl: primaryUrl, reportTz: TZ, calendar: TEST_CALENDAR });
  primary = createPool(primaryUrl);
  sim = await simulator({ agents: 20, now: () => now, days: 3 });
  upstream = clientFor(sim, 400);
  await collect(); // the last 48 hours up to T0
  await pair.caughtUp();
  viaReplica = await startHttpServer(testConfig(userUrl(pair.primary.url, READER), TZ, { REPORT_DATABASE_URL: replicaUrl, COLLECT_CRON: 'off' }), primary, log);
  viaPrimary = await startHttpServer(testConfig(primaryUrl, TZ), primary, primaryLog);
}, 180_000);

afterAll(async () => {
  await killLeftovers();
  await viaReplica?.close();
  await viaPrimary?.close();
  await upstream?.close();
  await sim?.close();
  await primary?.end().catch(() => {});
  await pair?.destroy();
});

describe('reports from a replica', () => {
  let atT0: Awaited<ReturnType<typeof answers>>;

  it('caught up: every table equals the primary\'s (routines, temporary tables and locks replicate in ROW format), and so does every answer', async () => {
    expect(await checksums(pair.replica.url)).toEqual(await checksums(pair.primary.url));
    const fromPrimary = await answers(viaPrimary);
    const fromReplica = await answers(viaReplica);
    expect(fromReplica).toEqual(fromPrimary);
    expect(fromReplica.horizon).toBe(new Date(T0 * 1000).toISOString().replace('.000', ''));
    expect(fromReplica.csv.split('\r\n').length).toBeGreaterThan(500);
    atT0 = fromPrimary;
    const status = (await get(`${viaReplica.url}/api/status`)).json() as Record<string, unknown>;
    expect(status.replica).toEqual({ configured: true, replicating: true, receiving: true, applying: true, lagSeconds: expect.any(Number), reason: null });
    expect(status.horizon).toBe(fromReplica.horizon);
    const health = await get(`${viaReplica.url}/healthz`);
    expect([health.status, health.json()]).toEqual([200, { status: 'ok', database: 'ok' }]);
    const metrics = await get(`${viaReplica.url}/metrics`);
    expect(metrics.text).toMatch(/^apr_replica_lag_seconds \d+$/m);
    expect(metrics.text).toMatch(/^apr_replica_replicating 1$/m);
  });

  it('the replica\'s SQL thread stopped while the primary loads 3 more hours: answers stay those of the replica\'s horizon; status says it stopped', async () => {
    await onReplica('STOP SLAVE SQL_THREAD');
    now += 3 * H;
    await collect();
    const fromPrimary = await answers(viaPrimary);
    expect(fromPrimary.horizon).not.toBe(atT0.horizon);
    expect(fromPrimary.csv).not.toBe(atT0.csv);
    // the replica answers exactly as the primary did at T0: the newest hours Not Loaded
    expect(await answers(viaReplica)).toEqual(atT0);
    const rows = JSON.parse(atT0.json) as { start_time: string; not_loaded_time: number }[];
    const lastHour = rows.filter((r) => Date.parse(r.start_time) / 1000 >= T0 - 3600);
    expect(lastHour.length).toBeGreaterThan(0);
    for (const r of lastHour) expect(r.not_loaded_time).toBeGreaterThan(0);

    const status = (await get(`${viaReplica.url}/api/status`)).json() as { replica: Record<string, unknown>; horizon: string; lagSeconds: number };
    expect(status.replica).toEqual({
      configured: true,
      replicating: false,
      receiving: true,
      applying: false,
      lagSeconds: null,
      reason: 'replication stopped: not applying (SQL thread)',
    });
    expect(status.horizon).toBe(atT0.horizon);
    const metrics = await get(`${viaReplica.url}/metrics`);
    expect(metrics.text).toMatch(/^apr_replica_replicating 0$/m);
    // and the page's data status says so, in a real browser
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${viaReplica.url}/?startDate=2025-09-10`);
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('replica'), undefined, { timeout: 30_000 });
      expect(await page.textContent('#status')).toContain(
        'Read from a replica that is not replicating (replication stopped: not applying (SQL thread)): newer data on the primary is not shown yet.',
      );
      expect(await page.getAttribute('#status', 'class')).toMatch(/\bwarn\b/);
    } finally {
      await browser.close();
    }
    expect(metrics.text).toMatch(/^apr_replica_lag_seconds nan$/im);
  });

  it('npm run report reads the replica too: the same bytes as the API there, while the primary has more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apr-replica-'));
    try {
      const out = join(dir, 'r.csv');
      const child = runCommand('report.ts', ['--startDate', '2025-09-09', '--endDate', '2025-09-11', '--interval', '15m', '--out', out], {
        DATABASE_URL: primaryUrl,
        REPORT_DATABASE_URL: replicaUrl,
        REPORT_TZ: TZ,
      });
      expect(await child.exited, child.lines.join('\n')).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(atT0.csv);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after START SLAVE the new hours appear, equal to the primary\'s', async () => {
    await onReplica('START SLAVE SQL_THREAD');
    await pair.caughtUp();
    const fromPrimary = await answers(viaPrimary);
    expect(await answers(viaReplica)).toEqual(fromPrimary);
    expect(fromPrimary.horizon).toBe(new Date(now * 1000).toISOString().replace('.000', ''));
    expect(await checksums(pair.replica.url)).toEqual(await checksums(pair.primary.url));
    const status = (await get(`${viaReplica.url}/api/status`)).json() as { replica: Record<string, unknown> };
    expect(status.replica).toMatchObject({ replicating: true, lagSeconds: expect.any(Number), reason: null });
  });

  it('a report user without SLAVE MONITOR: the lag is unknown, with the grant that fixes it', async () => {
    const c = await mysql.createConnection({ uri: userUrl(pair.replica.url, NO_MONITOR) });
    try {
      expect(await readReplication(c, true)).toEqual({
        configured: true,
        replicating: null,
        receiving: null,
        applying: null,
        lagSeconds: null,
        reason: 'the user of REPORT_DATABASE_URL may not read the replication state: GRANT REPLICATION CLIENT (MySQL) or SLAVE MONITOR (MariaDB 10.5+) to it',
      });
    } finally {
      await c.end();
    }
    // and the primary, which replicates from nothing, says so
    expect(await readReplication(primary, true)).toMatchObject({ replicating: null, reason: 'the server of REPORT_DATABASE_URL is not a replica (SHOW REPLICA STATUS is empty)' });
  });

  it('npm start with COLLECT_CRON=off as the users of the README (SELECT only): serves from the replica', async () => {
    const child = runCommand('start.ts', [], {
      DATABASE_URL: userUrl(pair.primary.url, NO_MONITOR),
      REPORT_DATABASE_URL: replicaUrl,
      REPORT_TZ: TZ,
      PORT: '0',
      COLLECT_CRON: 'off',
    });
    try {
      const url = /url=(\S+)/.exec(await child.waitFor(/report server listening url=/, 60_000))![1]!;
      const r = await get(`${url}/api/report?startDate=2025-09-10&format=json`);
      expect(r.status).toBe(200);
      expect(r.headers['x-data-horizon']).toBe(new Date(now * 1000).toISOString().replace('.000', ''));
      expect((await get(`${url}/api/status`)).json()).toMatchObject({ replica: { configured: true, replicating: true } });
    } finally {
      child.proc.kill('SIGTERM');
      expect(await child.exited, child.lines.join('\n')).toBe(0);
    }
    for (const l of child.lines) expect(l).not.toContain(`${READER}-pw`);
  });

  it('the replica hung (SIGSTOP): /healthz fails and a report ends with an error, each within seconds; both recover when it resumes', async () => {
    // a report just before: the tokens are then fresh, and the report below goes to the
    // database's report reads instead of failing at the token check
    expect((await get(`${viaReplica.url}/api/report?startDate=2025-09-10`)).status).toBe(200);
    pair.replica.pause();
    try {
      let t = Date.now();
      // (a check may share a ping that was answered just before the pause: the next one fails)
      let health = await get(`${viaReplica.url}/healthz`);
      if (health.status === 200) health = await get(`${viaReplica.url}/healthz`);
      expect(Date.now() - t).toBeLessThan(10_000);
      expect([health.status, health.json()]).toEqual([503, expect.objectContaining({ database: 'unreachable' })]);
      t = Date.now();
      const report = await get(`${viaReplica.url}/api/report?startDate=2025-09-10`);
      expect(Date.now() - t).toBeLessThan(20_000);
      // (the database's tokens are read where reports are: that check may be what fails first)
      expect([report.status, report.json()]).toEqual([503, { error: expect.stringMatching(/^(the database of REPORT_DATABASE_URL does not answer|tokens cannot be checked now: the database does not answer)/) }]);
    } finally {
      pair.replica.resume();
    }
    expect((await get(`${viaReplica.url}/healthz`)).status).toBe(200);
    expect((await get(`${viaReplica.url}/api/report?startDate=2025-09-10`)).status).toBe(200);
  });

  it('the replica killed: /healthz fails and a report ends with an error, each within seconds', async () => {
    await pair.replica.kill();
    let t = Date.now();
    const health = await get(`${viaReplica.url}/healthz`);
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(health.status).toBe(503);
    expect(health.json()).toEqual({
      status: 'unavailable',
      database: 'unreachable',
      reason: 'the database of REPORT_DATABASE_URL does not answer; the server log has the details',
    });
    expect(health.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    for (let i = 0; i < 2; i++) {
      // (the first may meet a pooled connection the kill cut, the second a refused connect)
      t = Date.now();
      const report = await get(`${viaReplica.url}/api/report?startDate=2025-09-10`);
      expect(Date.now() - t).toBeLessThan(10_000);
      expect([report.status, report.json()]).toEqual([503, { error: expect.stringMatching(/^(the database of REPORT_DATABASE_URL does not answer|tokens cannot be checked now: the database does not answer)/) }]);
    }
    expect(log.lines.some((l) => /health check: database unreachable database=REPORT_DATABASE_URL/.test(l))).toBe(true);
    // the primary is untouched: its own server still answers
    expect((await get(`${viaPrimary.url}/healthz`)).status).toBe(200);
  });
});
