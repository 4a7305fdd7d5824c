// GET /metrics after a collector run: the counters moved by exactly what the run did
// (windows, events, upstream calls as fetch_log recorded them), the horizon and lag
// gauges, the report requests; protected like /api/status. And /api/status: the last
// collector run apart from the last backfill, the next scheduled run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, clientFor, configFor, SIM_NOW } from './helpers/simulator.ts';
import { startHttpServer } from '../src/http/server.ts';
import { runCollector } from '../src/collector/collector.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { silentLogger, memoryLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';

const db = useTestDatabase('ops-metrics');
const auth = { Authorization: 'Bearer metrics-tok' };
const NEXT = new Date(Date.UTC(2025, 8, 10, 0, 10));
let server: { url: string; close(): Promise<void> };
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await simulator({ agents: 10 });
  server = await startHttpServer(testConfig(db().url, db().reportTz, { REPORT_API_TOKENS: 'metrics-tok' }), db().pool, silentLogger, {
    nextCollectorRun: () => NEXT,
  });
});
afterAll(async () => {
  await server?.close();
  await sim?.close();
});

/** Every sample of the scrape: `name{labels}` -> value. */
async function scrape(): Promise<Map<string, number>> {
  const r = await get(`${server.url}/metrics`, auth);
  expect(r.status).toBe(200);
  const out = new Map<string, number>();
  for (const line of r.text.split('\n')) {
    const m = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('GET /metrics', () => {
  it('is protected like /api/status when tokens are set', async () => {
    expect((await get(`${server.url}/metrics`)).status).toBe(401);
  });

  it('after a collector run, the counters moved by what the run did', async () => {
    const before = await scrape();
    const upstream = clientFor(sim, 300);
    let run;
    try {
      run = await runCollector({ pool: db().pool, upstream, log: silentLogger, reportTz: db().reportTz, overlapMinutes: 30, clock: () => SIM_NOW * 1000 });
    } finally {
      await upstream.close();
    }
    expect(run.outcome).toBe('ok');
    expect(run.windows.length).toBeGreaterThan(1);
    const after = await scrape();
    const delta = (k: string) => value(after, k) - value(before, k);
    expect(delta('apr_collector_runs_total{kind="collector",outcome="ok"}')).toBe(1);
    expect(delta('apr_windows_loaded_total{source="collector"}')).toBe(run.windows.length);
    expect(delta('apr_events_loaded_total')).toBe(run.events);
    expect(delta('apr_records_rejected_total')).toBe(run.rejected);
    // every upstream attempt is a fetch_log row of this run
    const calls = await rows<{ endpoint: string; status: number; n: number }>(
      db().pool,
      'SELECT endpoint, status, COUNT(*) AS n FROM fetch_log WHERE run_id = ? GROUP BY endpoint, status',
      [run.runId],
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(delta(`apr_upstream_requests_total{endpoint="${c.endpoint}",status="${c.status}"}`), c.endpoint).toBe(Number(c.n));
    const attempts = calls.reduce((n, c) => n + Number(c.n), 0);
    const histogramCounts = ['login', 'events', 'stats'].reduce((n, e) => n + delta(`apr_upstream_request_duration_seconds_count{endpoint="${e}"}`), 0);
    expect(histogramCounts).toBe(attempts);
    expect(delta('apr_aggregation_duration_seconds_count')).toBeGreaterThan(0);
    // the gauges read the database at scrape time
    const [state] = await rows<{ horizon: number }>(db().pool, 'SELECT horizon FROM collector_state WHERE id = 1');
    expect(value(after, 'apr_data_horizon_timestamp_seconds')).toBe(Number(state!.horizon));
    expect(value(after, 'apr_data_lag_seconds')).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - Number(state!.horizon) - 5);
    expect(after.has('apr_db_pool_connections{state="in_use"}')).toBe(true);
    expect(after.has('process_cpu_seconds_total')).toBe(true);
  });

  it('counts report requests by status and format', async () => {
    const before = await scrape();
    expect((await get(`${server.url}/api/report?startDate=2025-09-09`, auth)).status).toBe(200);
    expect((await get(`${server.url}/api/report?startDate=nope`, auth)).status).toBe(400);
    expect((await get(`${server.url}/api/report?startDate=2025-09-09`)).status).toBe(401);
    const after = await scrape();
    const delta = (k: string) => value(after, k) - value(before, k);
    expect(delta('apr_report_requests_total{status="200",format="csv"}')).toBe(1);
    expect(delta('apr_report_requests_total{status="400",format="csv"}')).toBe(1);
    expect(delta('apr_report_requests_total{status="401",format="csv"}')).toBe(1);
    expect(delta('apr_report_request_duration_seconds_count{format="csv"}')).toBe(3);
  });
});

describe('GET /api/status', () => {
  it('shows the last collector run apart from the last backfill, and the next scheduled run', async () => {
    const upstream = clientFor(sim, 300);
    try {
      const s = await runBackfill(configFor(db().url, db().reportTz, sim), db().pool, {
        fromTs: SIM_NOW - 7200,
        toTs: SIM_NOW - 3600,
        log: memoryLogger(),
        upstream,
      });
      expect(s.failed).toEqual([]);
    } finally {
      await upstream.close();
    }
    const r = await get(`${server.url}/api/status`, auth);
    expect(r.status).toBe(200);
    const status = r.json() as Record<string, { kind: string; outcome: string } | string | null>;
    expect(status.lastRun).toMatchObject({ kind: 'backfill', outcome: 'ok' });
    expect(status.lastBackfill).toMatchObject({ kind: 'backfill', outcome: 'ok' });
    expect(status.lastCollectorRun).toMatchObject({ kind: 'collector', outcome: 'ok' });
    expect(status.nextCollectorRun).toBe('2025-09-10T00:10:00Z');
  });
});
