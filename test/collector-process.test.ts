// npm start as a process: the one-command demo (built-in simulator, a report over HTTP),
// two collectors started together, SIGTERM in the middle of a run.
import { describe, it, expect, afterAll, beforeAll, afterEach } from 'vitest';
import { request } from 'undici';
import { DateTime } from 'luxon';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, PASSWORD, CREDENTIALS, ACCOUNT, count } from './helpers/simulator.ts';
import { runCommand, killLeftovers, type Child } from './helpers/child.ts';
import { migrate } from '../src/db/migrate.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';
import { wipeStaging } from '../src/backfill/wipe.ts';

const db = useTestDatabase('collector-process');
// The commands migrate with the full calendar (the test database has a narrow one): done
// once here, so the waits below measure the commands, not the calendar fill.
beforeAll(async () => {
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
}, 600_000);
afterEach(killLeftovers);
const NEVER = '0 0 1 1 *'; // the runs under test are the start-up ones

const envFor = (sim: SimulatorHandle | undefined, extra: Record<string, string> = {}) => ({
  DATABASE_URL: db().url,
  REPORT_TZ: db().reportTz,
  PORT: '0',
  COLLECT_CRON: NEVER,
  ...(sim ? { API_BASE: sim.url, API_USERNAME: CREDENTIALS.username, API_PASSWORD: PASSWORD, TENANT: CREDENTIALS.tenant, ACCOUNT_ID: ACCOUNT } : {}),
  ...extra,
});

async function stop(child: Child): Promise<number | string> {
  child.proc.kill('SIGTERM');
  return child.exited;
}

describe('npm start', () => {
  it('without API_BASE runs the built-in simulator, says so, serves a report; SIGTERM exits 0', async () => {
    const child = runCommand('start.ts', [], envFor(undefined));
    try {
      await child.waitFor(/API_BASE is not set: collecting from the built-in simulator at http:\/\/127\.0\.0\.1:\d+/, 60_000);
      const listening = await child.waitFor(/report server listening url=/, 60_000);
      const url = /url=(\S+)/.exec(listening)![1]!;
      await child.waitFor(/collector run done .*outcome=ok/, 60_000);
      const yesterday = DateTime.now().setZone(db().reportTz).minus({ days: 1 }).toISODate();
      const res = await request(`${url}/api/report?startDate=${yesterday}`);
      const csv = await res.body.text();
      expect(res.statusCode).toBe(200);
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toContain('Interval,Date,Start Time,End Time,Ext,Name');
      expect(lines.length).toBeGreaterThan(100);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(child.lines.some((l) => / stopped$/.test(l))).toBe(true);
  });

  describe('with an upstream', async () => {
    const sim = await simulator({ agents: 15, now: () => Date.now() / 1000, days: 3, latencyMs: 30 });
    afterAll(() => sim.close());

    it('two collectors started together: one runs, one skips and says so, no row doubled', async () => {
      const { pool } = db();
      await wipeStaging(pool);
      await pool.query('DELETE FROM collector_runs');
      const a = runCommand('start.ts', [], envFor(sim));
      const b = runCommand('start.ts', [], envFor(sim));
      try {
        const done = /collector run done|holds the load lock: skipped/;
        await Promise.all([a.waitFor(done, 150_000), b.waitFor(done, 150_000)]);
        const outcomes = await rows<{ outcome: string; from_ts: number | null; to_ts: number | null }>(
          pool, "SELECT outcome, from_ts, to_ts FROM collector_runs WHERE kind = 'collector' ORDER BY outcome");
        expect(outcomes.map((o) => o.outcome)).toEqual(['ok', 'skipped']);
        expect([...a.lines, ...b.lines].filter((l) => /collector: another collector run \(or a backfill\) holds the load lock: skipped/.test(l))).toHaveLength(1);
        const ran = outcomes[0]!;
        const n = await count(pool, 'SELECT COUNT(*) AS n FROM agent_events');
        expect(n).toBe(sim.timeline(ran.from_ts!, ran.to_ts!).length);
        expect(n).toBeGreaterThan(1000);
      } finally {
        expect(await stop(a)).toBe(0);
        expect(await stop(b)).toBe(0);
      }
      for (const line of [...a.lines, ...b.lines]) {
        expect(line).not.toContain(PASSWORD);
        for (const t of sim.issuedTokens()) expect(line).not.toContain(t);
      }
    });

    it('SIGTERM in the middle of a run: the window finishes or rolls back, exit 0', async () => {
      const { pool } = db();
      await wipeStaging(pool);
      const child = runCommand('start.ts', [], envFor(sim));
      await child.waitFor(/window loaded/, 60_000);
      expect(await stop(child)).toBe(0);
      expect(child.lines.some((l) => /SIGTERM: stopping; the current window finishes or rolls back/.test(l))).toBe(true);
      const windows = await rows<{ from_ts: number; to_ts: number; events: number }>(pool, 'SELECT from_ts, to_ts, events FROM loaded_windows ORDER BY from_ts');
      expect(windows.length).toBeGreaterThanOrEqual(1);
      expect(windows.length).toBeLessThan(17);
      let total = 0;
      for (const w of windows) total += w.events;
      expect(await rows(pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: total }]);
    });
  });
});
