// A window whose events response is not JSON (a raw NUL byte) on every run is a gap, not
// a wall (rules §3): the collector loads the hours around it and later windows, retries it
// on every run, and /api/status, /metrics and /healthz name it; once the upstream sends it
// whole, the next run loads it and the gap closes.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase, rows } from './helpers/database.ts';
import { fixedUpstream, type FixedUpstream } from './helpers/fixed-upstream.ts';
import { loadConfig } from '../src/config.ts';
import { runCollector } from '../src/collector/collector.ts';
import { upstreamFromConfig, type Upstream } from '../src/upstream/client.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { createPool } from '../src/db/pool.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger } from '../src/log.ts';
import { get, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('robust-failing-window');
/** 2025-09-09 12:00 UTC; report hours are whole UTC hours in Dubai (UTC+4). */
const T0 = Date.UTC(2025, 8, 9, 12) / 1000;
const H = 3600;
/** The second whose events come back broken: 10:30 UTC. */
const BAD = T0 - 1.5 * H;
let broken = true;

function events(res: ServerResponse, url: URL): void {
  const from = Number(url.searchParams.get('startDate'));
  const to = Number(url.searchParams.get('endDate'));
  res.writeHead(200, { 'content-type': 'application/json' });
  const name = broken && from <= BAD && BAD < to ? 'Agent\u0000One' : 'Agent One';
  res.end(`{"events": [{"event":"agent_idle","enabled":true,"user_id":"u1","ext":"1001","username":"${name}","state":"","Timestamp":${from}}]}`);
}

let upstream: FixedUpstream | undefined;
let client: Upstream;
let pool: Pool;
let server: { url: string; close(): Promise<void> } | undefined;
beforeAll(async () => {
  upstream = await fixedUpstream(events, '{}', 'tok-failing');
  const cfg = loadConfig({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, API_BASE: upstream.url, API_USERNAME: 'u', API_PASSWORD: 'p-failing', TENANT: 't', ACCOUNT_ID: 'a' });
  client = upstreamFromConfig(cfg);
  pool = createPool(db().url, { connectionLimit: 4 });
  server = await startHttpServer(testConfig(db().url, db().reportTz), pool, memoryLogger());
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await client?.close();
  await upstream?.close();
});

const iso = (ts: number) => new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
const run = (atTs: number) => runCollector({ pool: db().pool, upstream: client, log: memoryLogger(), reportTz: db().reportTz, overlapMinutes: 30, clock: () => atTs * 1000 });

describe('a window that fails on every run', () => {
  it('is a gap, not a wall: later windows load, it is retried on every run and named; then it loads', async () => {
    await setHorizon(db().pool, T0 - 2 * H);

    // run 1 loads [09:30, 12:00): the hour holding the broken response fails, the others load
    const first = await run(T0);
    expect(first.outcome).toBe('failed');
    expect(first.error).toMatch(new RegExp(`window \\[${iso(T0 - 2 * H)}, ${iso(T0 - H)}\\) failed .*not valid JSON \\(a raw NUL byte at character \\d+\\)`));
    expect(first.error).not.toMatch(/cut short/);
    expect(await readHorizon(db().pool)).toBe(T0);
    // not valid JSON is not retried 8 times: the whole window once, its hour once
    const calls = await rows<{ n: number }>(db().pool, "SELECT COUNT(*) AS n FROM fetch_log WHERE endpoint = 'events' AND error IS NOT NULL");
    expect(calls).toEqual([{ n: 2 }]);

    // run 2, ten minutes later: retries it (fails again) and loads what came since
    const second = await run(T0 + 600);
    expect(second.outcome).toBe('failed');
    expect(await readHorizon(db().pool)).toBe(T0 + 600);
    expect(await rows(db().pool, 'SELECT from_ts, to_ts, failures FROM failing_windows')).toEqual([{ from_ts: T0 - 2 * H, to_ts: T0 - H, failures: 2 }]);

    // named by /api/status and /metrics; /healthz degraded once it has failed for over an hour
    const status = (await get(`${server!.url}/api/status`)).json() as { failingWindows: { from: string; to: string; failures: number; lastError: string }[] };
    expect(status.failingWindows).toEqual([expect.objectContaining({ from: iso(T0 - 2 * H), to: iso(T0 - H), failures: 2, lastError: expect.stringMatching(/NUL byte/) })]);
    expect((await get(`${server!.url}/metrics`)).text).toMatch(new RegExp(`apr_window_failing_seconds\\{from="${iso(T0 - 2 * H)}",to="${iso(T0 - H)}"\\} \\d+`));
    expect((await get(`${server!.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
    await db().pool.query('UPDATE failing_windows SET first_failed_at = NOW(3) - INTERVAL 2 HOUR');
    expect((await get(`${server!.url}/healthz`)).json()).toEqual({
      status: 'degraded',
      database: 'ok',
      reason: expect.stringMatching(new RegExp(`1 window\\(s\\) failing for over an hour .*\\[${iso(T0 - 2 * H)}, ${iso(T0 - H)}\\)`)),
    });

    // the upstream sends it whole: the next run loads it and the gap closes
    broken = false;
    const third = await run(T0 + 1200);
    expect(third.outcome).toBe('ok');
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM failing_windows')).toEqual([{ n: 0 }]);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM vw_status_gaps')).toEqual([{ n: 0 }]);
    expect((await get(`${server!.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
  });
});
