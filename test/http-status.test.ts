// GET /healthz and GET /api/status: liveness, the database's reachability, and the
// operational picture (horizon, lag, gaps, last run, loads, rejects, data quality) in
// aggregate, without agent names or extensions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { createPool } from '../src/db/pool.ts';
import { startHttpServer } from '../src/http/server.ts';
import { readStatus } from '../src/http/status.ts';
import { memoryLogger, silentLogger } from '../src/log.ts';
import { get, insertActivity, setAgent, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('http-status', 'Asia/Dubai');
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_API_TOKENS: 'tok-1' }), db().pool, silentLogger);
});
afterAll(async () => server?.close());

const auth = { Authorization: 'Bearer tok-1' };
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

describe('GET /healthz', () => {
  it('says ok when the database answers, without a token', async () => {
    const r = await get(`${server.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('answers 503 when the database does not, and so does /api/status (its tokens cannot be checked), saying nothing of the cause', async () => {
    const dead = createPool('mysql://root@127.0.0.1:1/apr', { connectTimeout: 2000 });
    const log = memoryLogger();
    // the health check has a connection of its own, from DATABASE_URL
    const srv = await startHttpServer(testConfig('mysql://root@127.0.0.1:1/apr', 'Asia/Dubai'), dead, log);
    try {
      const h = await get(`${srv.url}/healthz`);
      expect(h.status).toBe(503);
      expect(h.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      expect(h.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      // without REPORT_API_TOKENS the database's tokens decide whether one is needed
      const s = await get(`${srv.url}/api/status`);
      expect(s.status).toBe(503);
      expect(s.headers['retry-after']).toBe('5');
      expect(s.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at /);
      expect(log.lines.some((l) => l.includes('database unreachable'))).toBe(true);
    } finally {
      await srv.close();
      await dead.end();
    }
  });
});

describe('GET /api/status', () => {
  it('needs the token', async () => {
    expect((await get(`${server.url}/api/status`)).status).toBe(401);
  });

  it('describes an empty database', async () => {
    const r = await get(`${server.url}/api/status`, auth);
    expect(r.status).toBe(200);
    const s = r.json() as Record<string, unknown>;
    expect(s).toMatchObject({
      horizon: null,
      lagSeconds: null,
      gaps: { count: 0, seconds: 0, latest: [] },
      lastRun: null,
      lastSuccessAt: null,
      last24h: { windowsLoaded: 0, eventsLoaded: 0, statsRowsLoaded: 0, rejected: 0 },
      rejectedTotal: 0,
      dataQuality: {
        reconciliation: { comparedFigures: 0, differingFigures: 0, absDifferenceSeconds: 0, byField: {} },
        answeredOverOffered: { last24h: 0, total: 0 },
        unknownEventTypes: [],
        unmappedReasons: { reasons: 0, otherNptSeconds: 0 },
      },
    });
  });

  it('shows horizon, lag, gaps, runs, loads, rejects and reconciliation differences', async () => {
    const { pool } = db();
    const now = Math.floor(Date.now() / 1000);
    const [hourRows] = await pool.query('SELECT hour_start FROM report_hours WHERE hour_end <= ? ORDER BY hour_start DESC LIMIT 1', [now - 3600]);
    const hour = Number((hourRows as { hour_start: number }[])[0]!.hour_start);
    const t0 = hour - 6 * 3600;
    await setHorizon(pool, now - 600);
    // windows: [t0, t0+2h) and [t0+1h, t0+3h) overlap; [t0+4h, t0+5h) leaves a 1 h gap; a window inside another adds none
    await pool.query(
      `INSERT INTO loaded_windows (from_ts, to_ts, source, events, stats_rows, rejected) VALUES
         (?, ?, 'collector', 100, 10, 0), (?, ?, 'collector', 50, 5, 1), (?, ?, 'backfill', 7, 1, 0), (?, ?, 'backfill', 3, 1, 0)`,
      [t0, t0 + 7200, t0 + 3600, t0 + 10800, t0 + 4 * 3600, t0 + 5 * 3600, t0 + 600, t0 + 1200],
    );
    await pool.query(
      `INSERT INTO collector_runs (kind, started_at, ended_at, from_ts, to_ts, outcome, events, rejected, message) VALUES
         ('collector', '2026-01-01 00:00:00.000', '2026-01-01 00:00:05.250', ?, ?, 'ok', 150, 1, NULL),
         ('collector', '2026-01-01 00:10:00.000', '2026-01-01 00:10:02.000', ?, ?, 'failed', 0, 0, 'upstream 503 after 5 attempts')`,
      [t0, t0 + 10800, t0 + 10800, t0 + 11400],
    );
    await pool.query(
      `INSERT INTO rejected_records (endpoint, reason, raw, record_hash, from_ts, to_ts) VALUES
         ('events', 'no ext', '{}', REPEAT('a', 64), ?, ?), ('stats', 'bad', '{}', REPEAT('b', 64), ?, ?)`,
      [t0, t0 + 600, t0, t0 + 600],
    );
    // One agent-hour with derived idle 1000 s where the upstream says 900, and answered > offered.
    await setAgent(pool, '777123', 'Secret Name');
    // (its hour's loaded time is left to the windows above: it is the test's gaps that count)
    await insertActivity(pool, [{ hourStart: hour, ext: '777123', idle_s: 1000, talk_s: 200, hold_s: 50, wrap_s: 30 }], { markLoaded: false });
    await pool.query(
      `INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, name, total_calls, answered_calls, idle_time, wrap_up_time, hold_time, on_call_time)
       VALUES (?, ?, '777123', ?, 'Secret Name', 1, 2, 900, 30, 50, 250)`,
      [hour + 2700, hour, hour + 3600],
    );

    const r = await get(`${server.url}/api/status`, auth);
    expect(r.status).toBe(200);
    const s = r.json() as Record<string, any>;
    expect(s.horizon).toBe(iso(now - 600));
    expect(s.lagSeconds).toBeGreaterThanOrEqual(600);
    expect(s.lagSeconds).toBeLessThan(660);
    expect(s.gaps).toEqual({ count: 1, seconds: 3600, latest: [{ from: iso(t0 + 10800), to: iso(t0 + 4 * 3600), seconds: 3600 }] });
    // hours with Not Loaded seconds before the horizon: the gap's hour whole, none of the loaded ones
    const notLoaded = s.notLoadedHours as { start: string; end: string; notLoadedSeconds: number }[];
    expect(notLoaded.find((h) => h.start === iso(t0 + 3 * 3600))).toMatchObject({ end: iso(t0 + 4 * 3600), notLoadedSeconds: 3600 });
    for (const loadedHour of [t0, t0 + 3600, t0 + 7200, t0 + 4 * 3600]) expect(notLoaded.some((h) => h.start === iso(loadedHour))).toBe(false);
    expect(notLoaded.find((h) => h.start === iso(t0 - 3600))).toMatchObject({ notLoadedSeconds: 3600 });
    expect(s.lastRun).toEqual({
      kind: 'collector',
      startedAt: '2026-01-01T00:10:00.000Z',
      endedAt: '2026-01-01T00:10:02.000Z',
      outcome: 'failed',
      windowFrom: iso(t0 + 10800),
      windowTo: iso(t0 + 11400),
      events: 0,
      rejected: 0,
      message: 'upstream 503 after 5 attempts',
    });
    expect(s.lastSuccessAt).toBe('2026-01-01T00:00:05.250Z');
    expect(s.last24h).toEqual({ windowsLoaded: 4, eventsLoaded: 160, statsRowsLoaded: 17, rejected: 2 });
    expect(s.rejectedTotal).toBe(2);
    const rec = s.dataQuality.reconciliation;
    expect(rec.comparedFigures).toBe(4);
    expect(rec.differingFigures).toBe(1);
    expect(rec.absDifferenceSeconds).toBe(100);
    expect(rec.byField.idle_time).toEqual({ compared: 1, differing: 1, agentHours: 1, absDifferenceSeconds: 100 });
    expect(rec.byField.on_call_time).toEqual({ compared: 1, differing: 0, agentHours: 0, absDifferenceSeconds: 0 });
    expect(s.dataQuality.answeredOverOffered).toEqual({ last24h: 1, total: 1 });
    // aggregate only: no extension, no name
    expect(r.text).not.toContain('777123');
    expect(r.text).not.toContain('Secret');
  });

  it('counts reconciliation differences of the last 24 hours only', async () => {
    const s = await readStatus(db().pool, Date.now() + 3 * 86400 * 1000);
    expect((s.dataQuality as any).reconciliation.comparedFigures).toBe(0);
    expect((s.dataQuality as any).answeredOverOffered).toEqual({ last24h: 0, total: 1 });
  });
});
