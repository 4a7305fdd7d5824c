// The collector in-process, on a clock the test moves: first run, overlap, a 5-hour
// outage and its catch-up, two collectors at once, stopping mid-run.
import { describe, it, expect, afterAll } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, clientFor, expectedActivity, actualActivity, SIM_NOW, PASSWORD, count } from './helpers/simulator.ts';
import { runCollector, startCollector, type CollectorOptions } from '../src/collector/collector.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { wipeStaging } from '../src/backfill/wipe.ts';
import { createPool } from '../src/db/pool.ts';
import { memoryLogger } from '../src/log.ts';
import { readLive } from '../src/now/live.ts';
import { FULL_SCOPE } from '../src/access/scope.ts';

const db = useTestDatabase('collector');
const H = 3600;

describe('collector', async () => {
  let now = SIM_NOW + 7 * H + 123; // simulated wall clock, epoch seconds
  const sim = await simulator({ agents: 20, now: () => now, days: 3 });
  const upstream = clientFor(sim, 400);
  const log = memoryLogger();
  const opts = (): CollectorOptions => ({ pool: db().pool, upstream, log, reportTz: db().reportTz, overlapMinutes: 30, clock: () => now * 1000 });
  afterAll(async () => {
    await upstream.close();
    await sim.close();
  });
  const T0 = now;

  it('loads the last 48 hours on an empty database, then [horizon - overlap, now)', async () => {
    const first = await runCollector(opts());
    expect(first.outcome).toBe('ok');
    expect([first.fromTs, first.toTs]).toEqual([T0 - 48 * H, T0]);
    expect(first.windows.length).toBe(17); // 3-hour windows cut at hour starts
    expect(await readHorizon(db().pool)).toBe(T0);
    now += 600;
    const second = await runCollector(opts());
    expect(second.outcome).toBe('ok');
    expect([second.fromTs, second.toTs, second.windows.length]).toEqual([T0 - 1800, T0 + 600, 1]);
    expect(await readHorizon(db().pool)).toBe(T0 + 600);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: sim.timeline(T0 - 48 * H, now).length }]);
    expect(await actualActivity(db().pool)).toEqual(await expectedActivity(db().pool, sim, T0 - 48 * H, now, now));
  });

  it('leaves the live state at its horizon stored, as the events give it', async () => {
    const { pool, reportTz } = db();
    expect(await rows(pool, 'SELECT horizon FROM live_state_at')).toEqual([{ horizon: T0 + 600 }]);
    const stored = await readLive(pool, reportTz, {}, FULL_SCOPE);
    expect(stored.agents.length).toBeGreaterThan(10);
    await pool.query('DELETE FROM live_state_at');
    expect(await readLive(pool, reportTz, {}, FULL_SCOPE)).toEqual({ ...stored, age_seconds: expect.any(Number) });
  });

  it('after a 5-hour outage the horizon waited, and the catch-up leaves no hour missing', async () => {
    const { pool } = db();
    const before = await readHorizon(pool);
    sim.setDown(true);
    for (const step of [1, 2, 3, 4, 5]) {
      now = T0 + 600 + step * H;
      const r = await runCollector(opts());
      expect(r.outcome).toBe('failed');
      expect(r.error).toMatch(/HTTP 503/);
      expect(await readHorizon(pool)).toBe(before);
    }
    sim.setDown(false);
    now = T0 + 5 * H + 1200;
    const r = await runCollector(opts());
    expect(r.outcome).toBe('ok');
    expect(r.fromTs).toBe(before! - 1800);
    expect(r.windows.length).toBe(3);
    expect(await readHorizon(pool)).toBe(now);
    // windows meet end to end from the first run to now: no gap
    const windows = await rows<{ from_ts: number; to_ts: number }>(pool, 'SELECT from_ts, to_ts FROM loaded_windows ORDER BY from_ts, to_ts');
    let reach = windows[0]!.from_ts;
    for (const w of windows) {
      expect(w.from_ts).toBeLessThanOrEqual(reach);
      reach = Math.max(reach, w.to_ts);
    }
    expect([windows[0]!.from_ts, reach]).toEqual([T0 - 48 * H, now]);
    const expected = await expectedActivity(pool, sim, T0 - 48 * H, now, now);
    const hoursWithData = new Set(expected.map((e) => e.hourStart));
    expect(hoursWithData.size).toBeGreaterThan(45);
    expect(await actualActivity(pool)).toEqual(expected);
    const runs = await rows<{ outcome: string; n: number }>(pool, "SELECT outcome, COUNT(*) AS n FROM collector_runs WHERE kind = 'collector' GROUP BY outcome ORDER BY outcome");
    expect(runs).toEqual([{ outcome: 'failed', n: 5 }, { outcome: 'ok', n: 3 }]);
  });

  it('two collectors started together: one runs, one skips, no row doubled, no figure changed', async () => {
    const { pool, url } = db();
    await wipeStaging(pool);
    const other = createPool(url);
    try {
      const [a, b] = await Promise.all([runCollector(opts()), runCollector({ ...opts(), pool: other })]);
      expect([a.outcome, b.outcome].sort()).toEqual(['ok', 'skipped']);
      expect(log.lines.some((l) => /collector: another collector run \(or a backfill\) holds the load lock: skipped/.test(l))).toBe(true);
      expect(await rows(pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: sim.timeline(now - 48 * H, now).length }]);
      expect(await rows(pool, "SELECT COUNT(*) AS n FROM collector_runs WHERE outcome = 'skipped'")).toEqual([{ n: 1 }]);
      // and the figures are those of one collector alone
      expect(await actualActivity(pool)).toEqual(await expectedActivity(pool, sim, now - 48 * H, now, now));
    } finally {
      await other.end();
    }
  });

  it('stop() lets the current window finish or roll back: every recorded window is complete', async () => {
    const { pool } = db();
    await wipeStaging(pool);
    const slow = await simulator({ agents: 20, now: () => now, days: 3, latencyMs: 40 });
    const slowClient = clientFor(slow, 400);
    try {
      const c = startCollector({ ...opts(), upstream: slowClient, cron: '0 0 1 1 *' });
      // let a few windows load, then stop in the middle of the run
      for (let i = 0; i < 200; i++) {
        const n = await count(pool, 'SELECT COUNT(*) AS n FROM loaded_windows');
        if (n >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.stop();
      const windows = await rows<{ from_ts: number; to_ts: number; events: number }>(pool, 'SELECT from_ts, to_ts, events FROM loaded_windows ORDER BY from_ts');
      expect(windows.length).toBeGreaterThanOrEqual(3);
      expect(windows.length).toBeLessThan(17);
      for (const w of windows) {
        const n = await count(pool, 'SELECT COUNT(*) AS n FROM agent_events WHERE ts >= ? AND ts < ?', [w.from_ts, w.to_ts]);
        expect(n).toBe(w.events);
      }
      expect(await readHorizon(pool)).toBe(windows[windows.length - 1]!.to_ts);
      // the next run picks up from the horizon and completes the job
      const r = await runCollector(opts());
      expect(r.outcome).toBe('ok');
      expect(await actualActivity(pool)).toEqual(await expectedActivity(pool, sim, now - 48 * H, now, now));
    } finally {
      await slowClient.close();
      await slow.close();
    }
  });

  it('never logs the password or a token', () => {
    const text = log.lines.join('\n');
    expect(text).toContain('collector run done');
    expect(text).not.toContain(PASSWORD);
    for (const t of sim.issuedTokens()) expect(text).not.toContain(t);
  });

  it('with RAW_RETENTION_DAYS, prunes once a day and every stored row stays as it was', async () => {
    const { pool } = db();
    const before = await actualActivity(pool);
    const cut = Date.UTC(2025, 8, 8, 20) / 1000;
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events WHERE ts < ?', [cut - 3 * H])).toBeGreaterThan(0);
    const pruneLog = memoryLogger();
    now += 600;
    const run = await runCollector({ ...opts(), log: pruneLog, retentionDays: 1 });
    expect(run.outcome).toBe('ok');
    // Asia/Dubai: today is 2025-09-10, so the cut is 2025-09-09 00:00 local (20:00 UTC the day before)
    expect(await rows(pool, "SELECT CAST(value AS SIGNED) AS cut FROM apr_settings WHERE name = 'raw_cut'")).toEqual([{ cut }]);
    expect(pruneLog.lines.filter((l) => /prune done/.test(l))).toHaveLength(1);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM users_calls WHERE slot_start < ?', [cut])).toBe(0);
    // (before the cut only the not-available events its checkpoint names are kept)
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events WHERE ts < ? AND event <> ?', [cut, 'agent_not_avail_state'])).toBe(0);
    // every row stays as it was, before the cut and after it (the run only adds its last minutes)
    const after = await actualActivity(pool);
    expect(before.filter((r) => r.hourStart < cut).length).toBeGreaterThan(0);
    const settled = (r: { hourStart: number }) => r.hourStart < now - 2 * H;
    expect(after.filter(settled)).toEqual(before.filter(settled));
    // the same day again: no second prune
    now += 600;
    await runCollector({ ...opts(), log: pruneLog, retentionDays: 1 });
    expect(pruneLog.lines.filter((l) => /prune done/.test(l))).toHaveLength(1);
  });
});
