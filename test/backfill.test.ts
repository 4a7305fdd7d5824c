// Simulator -> backfill -> agent_activity, against the reference model; idempotence;
// truncation; faults; malformed records. Asia/Kolkata: report hours start at :30 UTC.
import { describe, it, expect, afterAll } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, configFor, clientFor, digests, expectedActivity, actualActivity, SIM_NOW, PASSWORD, count } from './helpers/simulator.ts';
import { runBackfill, type BackfillSummary } from '../src/backfill/backfill.ts';
import { wipeStaging } from '../src/backfill/wipe.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { memoryLogger, type Logger } from '../src/log.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';

const db = useTestDatabase('backfill', 'Asia/Kolkata');
const DAY = 86400;
const FROM = SIM_NOW - 2 * DAY;
const AGENTS = 30;
const logs = memoryLogger();

async function backfill(sim: SimulatorHandle, opts: { fromTs?: number; toTs?: number; pageSize?: number; log?: Logger; concurrency?: number } = {}): Promise<BackfillSummary> {
  const upstream = clientFor(sim, opts.pageSize ?? 2000);
  try {
    return await runBackfill(configFor(db().url, db().reportTz, sim), db().pool, {
      fromTs: opts.fromTs ?? FROM,
      toTs: opts.toTs ?? SIM_NOW,
      concurrency: opts.concurrency ?? 4,
      log: opts.log ?? logs,
      upstream,
    });
  } finally {
    await upstream.close();
  }
}

describe('backfill', async () => {
  const sim = await simulator({ agents: AGENTS });
  afterAll(() => sim.close());
  let clean: Record<string, string>;

  it('end to end: agent_activity equals the reference model over the simulator timeline, and the stats reconcile', async () => {
    const { pool } = db();
    const s = await backfill(sim);
    expect(s.failed).toEqual([]);
    expect(s.windows).toBe(49); // 48 hours starting at :00 UTC, cut at the :30 hour starts
    expect(s.events).toBe(sim.timeline(FROM, SIM_NOW).length);
    expect(s.events).toBeGreaterThan(AGENTS * 100);
    expect(await readHorizon(pool)).toBe(SIM_NOW);
    const expected = await expectedActivity(pool, sim, FROM, SIM_NOW, SIM_NOW);
    expect(expected.length).toBeGreaterThan(AGENTS * 10);
    expect(await actualActivity(pool)).toEqual(expected);
    // calls: the simulator's own per-hour counts
    const calls = await rows<{ hour_start: number; ext: string; total_calls: number; answered_calls: number }>(
      pool, 'SELECT hour_start, ext, total_calls, answered_calls FROM agent_activity WHERE total_calls > 0 ORDER BY hour_start, ext');
    expect(calls.length).toBeGreaterThan(50);
    for (const c of calls.slice(0, 40)) {
      const t = [...sim.world.totals(Number(c.hour_start), Number(c.hour_start) + 3600)].find(([a]) => a.ext === c.ext)![1];
      expect([c.total_calls, c.answered_calls]).toEqual([t.answered + t.missed, t.answered]);
    }
    expect(await rows(pool, 'SELECT COUNT(*) AS n, COALESCE(SUM(diff_s <> 0), 0) AS bad FROM vw_reconciliation')).toEqual([{ n: expect.any(Number), bad: 0 }]);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM users_calls WHERE fetched_to - slot_start <> 900 AND fetched_to <> ?', [SIM_NOW])).toEqual([{ n: 0 }]);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM pending_aggregation')).toEqual([{ n: 0 }]);
    expect(await rows(pool, "SELECT kind, outcome, events FROM collector_runs WHERE id = ?", [s.runId])).toEqual([{ kind: 'backfill', outcome: 'ok', events: s.events }]);
    expect(await rows(pool, 'SELECT COUNT(*) AS n, MIN(from_ts) AS lo, MAX(to_ts) AS hi FROM loaded_windows')).toEqual([{ n: 49, lo: FROM, hi: SIM_NOW }]);
    const fetches = await count(pool, 'SELECT COUNT(*) AS n FROM fetch_log WHERE run_id = ?', [s.runId]);
    expect(fetches).toBeGreaterThanOrEqual(49 * 2 + 1);
    expect(logs.lines.filter((l) => / window \d+\/49 .*events=\d+ .*splits=\d+/.test(l))).toHaveLength(49);
    expect(logs.lines.some((l) => /backfill done windows=49 failed=0 events=\d+ .*rejected=0 .*seconds=[\d.]+ events_per_s=\d+/.test(l))).toBe(true);
    clean = await digests(pool);
  });

  it('is idempotent: the same range again, or an overlapping one, changes no row', async () => {
    const { pool } = db();
    await backfill(sim);
    expect(await digests(pool)).toEqual(clean);
    await backfill(sim, { fromTs: FROM + 5 * 3600 + 1234, toTs: SIM_NOW - 7 * 3600 - 17, concurrency: 3 });
    expect(await digests(pool)).toEqual(clean);
    expect(await readHorizon(pool)).toBe(SIM_NOW);
  });

  it('with page size 50 loads exactly what page size 100000 loads', async () => {
    const { pool } = db();
    await wipeStaging(pool);
    const s = await backfill(sim, { pageSize: 50 });
    expect(s.splits).toBeGreaterThan(100);
    expect(await digests(pool)).toEqual(clean);
    await wipeStaging(pool);
    expect((await backfill(sim, { pageSize: 100_000 })).splits).toBe(0);
    expect(await digests(pool)).toEqual(clean);
  });

  it('through 30% faults and a 401 in the middle gives the clean result, re-logging in, with no secret in any log', async () => {
    const { pool } = db();
    await wipeStaging(pool);
    const faulty = await simulator({ agents: AGENTS, faultRate: 0.3, slowMs: 50, retryAfterSeconds: 0 });
    const lines = memoryLogger();
    let revoked = false;
    const log: Logger = {
      ...lines,
      info(msg, fields) {
        lines.info(msg, fields);
        if (!revoked && msg.startsWith('window 10/')) {
          revoked = true;
          faulty.revokeTokens();
        }
      },
    };
    try {
      const s = await backfill(faulty, { log, pageSize: 500 });
      expect(s.failed).toEqual([]);
      expect(revoked).toBe(true);
      expect(await digests(pool)).toEqual(clean);
      const f = faulty.counters.faults;
      expect(f['429'] + f['500'] + f.slow + f.drop + f.cut).toBeGreaterThan(20);
      expect(faulty.counters.logins).toBeGreaterThanOrEqual(2);
      const relogins = await count(pool, "SELECT COUNT(*) AS n FROM fetch_log WHERE run_id = ? AND status = 401", [s.runId]);
      expect(relogins).toBeGreaterThanOrEqual(1);
      const failedCalls = await count(pool, 'SELECT COUNT(*) AS n FROM fetch_log WHERE run_id = ? AND error IS NOT NULL', [s.runId]);
      expect(failedCalls).toBeGreaterThan(20);
      const stored = JSON.stringify(await rows(pool, 'SELECT error FROM fetch_log UNION ALL SELECT message FROM collector_runs'));
      for (const text of [lines.lines.join('\n'), logs.lines.join('\n'), stored]) {
        expect(text).not.toContain(PASSWORD);
        for (const t of [...faulty.issuedTokens(), ...sim.issuedTokens()]) expect(text).not.toContain(t);
      }
    } finally {
      await faulty.close();
    }
  });

  it('malformed records land in rejected_records with their reason; everything else loads, unknown event types included', async () => {
    const { pool } = db();
    await wipeStaging(pool);
    await pool.query('DELETE FROM rejected_records');
    const bad = await simulator({ agents: AGENTS, malformedRate: 0.5 });
    try {
      const s = await backfill(bad);
      expect(s.failed).toEqual([]);
      const reasons = await rows<{ reason: string; n: number }>(pool, 'SELECT reason, COUNT(*) AS n FROM rejected_records GROUP BY reason ORDER BY reason');
      expect(reasons.map((r) => r.reason)).toEqual(['invalid enabled: "maybe"', 'missing ext', 'non-numeric Timestamp']);
      expect(s.rejected).toBe(reasons.reduce((n, r) => n + Number(r.n), 0));
      const [raw] = await rows<{ raw: string }>(pool, "SELECT raw FROM rejected_records WHERE reason = 'non-numeric Timestamp' LIMIT 1");
      expect(JSON.parse(raw!.raw)).toMatchObject({ Timestamp: 'abc', event: 'agent_idle' });
      expect(await digests(pool)).toEqual(clean);
      const unknown = await rows(pool, "SELECT DISTINCT event FROM agent_events WHERE event NOT IN ('agent_idle','agent_on_call','agent_hold','agent_wrap_up','agent_not_avail_state','agent_reg')");
      expect(unknown.length).toBeGreaterThan(0);
      // a second load of the same windows does not double them
      await backfill(bad, { fromTs: FROM, toTs: FROM + 12 * 3600 });
      expect(await rows(pool, 'SELECT COUNT(*) AS n FROM rejected_records')).toEqual([{ n: s.rejected }]);
    } finally {
      await bad.close();
    }
  });
});
