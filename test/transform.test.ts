// The transform against the real database: the worked example of rules §6 through
// the real loader, the rules for which rows exist, the horizon, DST hours, re-running,
// editing a reason rule, the reason categories, the data-quality views, and the
// procedures' contract (errors, session settings, two callers at once).
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase, rows } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats } from './helpers/fixtures.ts';
import { DEFAULT_RULES, categorizeWith, defaultCategorize, referenceActivity, type RefEvent } from './reference/model.ts';
import { REASONS } from './reference/timelines.ts';
import { clearData, conservationViolations, hoursBetween, insertEvents, readActivity, readEvents, setHorizon, setLoaded, withoutCalls } from './reference/sql.ts';
import { REFUSALS } from '../src/db/refusals.ts';

const FIXTURES = new URL('./fixtures/worked-example/', import.meta.url);
const weEvents = JSON.parse(readFileSync(new URL('events.json', FIXTURES), 'utf8')) as unknown;
const weStats = JSON.parse(readFileSync(new URL('v2/stats.json', FIXTURES), 'utf8')) as Record<string, unknown>;

// rules §6, Asia/Dubai: 09:00 local = 05:00 UTC.
const H09 = 1757221200;
const H10 = 1757224800;
const H11 = 1757228400;

const ZERO = {
  idle_s: 0, talk_s: 0, hold_s: 0, wrap_s: 0, login_s: 0, logoff_s: 0, dnd_s: 0, meeting_s: 0, training_s: 0, chat_s: 0,
  tickets_s: 0, outbound_s: 0, lunch_s: 0, tea_s: 0, bio_s: 0, short_break_s: 0, other_npt_s: 0, offline_s: 0, not_loaded_s: 0,
};

/** rules §6's table, written out: the numbers the worked example must give. */
const WORKED_EXAMPLE = [
  { ...ZERO, hourStart: H09, ext: '4101', counted_s: 3600, login_s: 300, idle_s: 900 + 840, talk_s: 300 + 180, hold_s: 120, offline_s: 1, wrap_s: 59, lunch_s: 900, total_calls: 3, answered_calls: 1 },
  { ...ZERO, hourStart: H10, ext: '4101', counted_s: 3600, lunch_s: 900, tickets_s: 1500, other_npt_s: 600, idle_s: 600, total_calls: 0, answered_calls: 0 },
];

/** rules §6: the events and stats loaded as one window, 08:00-11:00 local. */
async function loadWorkedExample(pool: Pool): Promise<void> {
  await clearData(pool);
  await loadFixtureEvents(pool, weEvents, null);
  await loadFixtureStats(pool, weStats);
  await setLoaded(pool, [{ from: H09 - 3600, to: H11 }]);
}

async function activitySnapshot(pool: Pool): Promise<unknown[]> {
  return rows(pool, 'SELECT * FROM agent_activity ORDER BY hour_start, ext').then((r) => r.map(({ computed_at: _c, ...rest }) => rest));
}

const ev = (ext: string, ts: number, seq: number, event: string, enabled: boolean, state: string | null = 'none'): RefEvent => ({ ext, ts, seq, event, enabled, state });

describe('transform (Asia/Dubai)', () => {
  const db = useTestDatabase('transform', 'Asia/Dubai');

  it('gives the worked example of rules §6 exactly (real loader, CALL per hour)', async () => {
    const { pool } = db();
    await loadWorkedExample(pool);
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    await pool.query("CALL sp_aggregate_hour('2025-09-07 10:00:00')");
    expect(await readActivity(pool, H09, H11)).toEqual(WORKED_EXAMPLE);
    // per reason as sent; Logoff lasted 0 s and has no row
    expect(await rows(pool, 'SELECT hour_start, CONVERT(reason USING utf8mb4) AS reason, reason_s FROM agent_reason_activity ORDER BY hour_start, reason')).toEqual([
      { hour_start: H09, reason: 'Login', reason_s: 300 },
      { hour_start: H09, reason: 'Lunch Break', reason_s: 900 },
      { hour_start: H10, reason: ' ON Tickets ', reason_s: 1500 },
      { hour_start: H10, reason: 'Lunch Break', reason_s: 900 },
      { hour_start: H10, reason: 'Prayer', reason_s: 600 },
    ]);
    // the reference model agrees, and so does the range procedure
    const events = await readEvents(pool);
    expect(referenceActivity(events, await hoursBetween(pool, H09, H11), [{ from: H09 - 3600, to: H11 }])).toEqual(WORKED_EXAMPLE.map(({ total_calls: _t, answered_calls: _a, ...r }) => r));
    await pool.query('DELETE FROM agent_activity');
    await pool.query("CALL sp_aggregate_range('2025-09-07 09:00:00', '2025-09-07 11:00:00')");
    expect(await readActivity(pool)).toEqual(WORKED_EXAMPLE);
  });

  it('running it again changes nothing; an hour before the first event gets the Login carried in only where it lies', async () => {
    const { pool } = db();
    await loadWorkedExample(pool);
    await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
    const first = await activitySnapshot(pool);
    await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [H09 - 86400, H11 + 86400]);
    expect(await activitySnapshot(pool)).toEqual(first);
    // 08:00 hour: Login from 08:50; 11:00 and later: past the horizon
    expect((first as { hour_start: number; login_s: number; offline_s: number; counted_s: number }[]).map((r) => [r.hour_start, r.counted_s, r.login_s, r.offline_s])).toEqual([
      [H09 - 3600, 3600, 600, 3000],
      [H09, 3600, 300, 1],
      [H10, 3600, 0, 0],
    ]);
  });

  it('removes the rows of agents with no activity left, keeps calls-only rows, and counts nothing past the horizon', async () => {
    const { pool } = db();
    await clearData(pool);
    const t0 = H09;
    await insertEvents(pool, [ev('7001', t0 + 100, 0, 'agent_idle', true, 'available'), ev('7002', t0 + 200, 0, 'agent_idle', true, 'available')]);
    await setHorizon(pool, t0 + 1800);
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    expect((await readActivity(pool)).map((r) => [r.ext, r.counted_s, r.idle_s, r.offline_s])).toEqual([
      ['7001', 1800, 1700, 100],
      ['7002', 1800, 1600, 200],
    ]);
    // 7002's event turns out to be someone else's; stats arrive for 7003 (no events) and 7004 (0 calls)
    await pool.query("DELETE FROM agent_events WHERE ext = '7002'");
    await pool.query(
      "INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, total_calls, answered_calls) VALUES (?, ?, '7003', ?, 4, 2), (?, ?, '7004', ?, 0, 0), (?, ?, '7001', ?, 1, 1)",
      [t0, t0, t0 + 900, t0, t0, t0 + 900, t0, t0, t0 + 900],
    );
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    expect(await readActivity(pool)).toEqual([
      { ...ZERO, hourStart: t0, ext: '7001', counted_s: 1800, not_loaded_s: 1800, idle_s: 1700, offline_s: 100, total_calls: 1, answered_calls: 1 },
      { ...ZERO, hourStart: t0, ext: '7003', counted_s: 1800, not_loaded_s: 1800, offline_s: 1800, total_calls: 4, answered_calls: 2 },
    ]);
    // the next hour is past the horizon: calls only, nothing counted
    await pool.query("INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, total_calls, answered_calls) VALUES (?, ?, '7001', ?, 2, 0)", [H10, H10, H10 + 600]);
    await pool.query("CALL sp_aggregate_hour('2025-09-07 10:00:00')");
    expect(await readActivity(pool, H10, H11)).toEqual([{ ...ZERO, hourStart: H10, ext: '7001', counted_s: 0, not_loaded_s: 3600, total_calls: 2, answered_calls: 0 }]);
    // no horizon at all: nothing is counted
    await setHorizon(pool, null);
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    expect((await readActivity(pool, H09, H10)).map((r) => [r.ext, r.counted_s, r.idle_s, r.offline_s, r.total_calls])).toEqual([
      ['7001', 0, 0, 0, 1],
      ['7003', 0, 0, 0, 4],
    ]);
    expect(await conservationViolations(pool)).toEqual([]);
    // and the table itself refuses a row that does not add up
    await expect(
      pool.query("INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s, idle_s, offline_s) VALUES (?, '7009', ?, '2025-09-07 11:00:00', '2025-09-07 12:00:00', 3600, 3000, 599)", [H11, H11 + 3600]),
    ).rejects.toThrow(/ck_agent_activity_seconds/);
    // nor one whose loaded and Not Loaded seconds miss part of the hour
    await expect(
      pool.query("INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s, idle_s, offline_s, not_loaded_s) VALUES (?, '7009', ?, '2025-09-07 11:00:00', '2025-09-07 12:00:00', 1800, 1000, 800, 1000)", [H11, H11 + 3600]),
    ).rejects.toThrow(/ck_agent_activity_seconds/);
  });

  it('carries a state in from any time before, however long ago, per flag', async () => {
    const { pool } = db();
    await clearData(pool);
    const longAgo = H09 - 40 * 86400;
    await insertEvents(pool, [
      // 8001: on lunch since 40 days ago, then idle set (and lunch never switched off) 3 days ago
      ev('8001', longAgo, 0, 'agent_not_avail_state', true, 'Lunch'),
      ev('8001', H09 - 3 * 86400, 0, 'agent_idle', true, 'available'),
      ev('8001', H09 - 3 * 86400, 1, 'agent_reg', true, 'registered'),
      ev('8001', H09 + 600, 0, 'agent_idle', false, 'available'),
      // 8002: the agent's latest event before the hour is agent_reg; hold is on from earlier
      ev('8002', H09 - 7 * 3600, 0, 'agent_hold', true),
      ev('8002', H09 - 60, 0, 'agent_reg', false, 'registered'),
    ]);
    await setHorizon(pool, H11);
    await pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
    expect((await readActivity(pool)).map((r) => [r.ext, r.idle_s, r.lunch_s, r.hold_s, r.offline_s])).toEqual([
      ['8001', 600, 3000, 0, 0],
      ['8002', 0, 0, 3600, 0],
    ]);
  });

  it('moves seconds to the new category when a rule is edited and the range re-aggregated, losing none', async () => {
    const { pool } = db();
    await loadWorkedExample(pool);
    const range = "CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')";
    await pool.query(range);
    const before = await readActivity(pool);
    const [ins] = (await pool.query("INSERT INTO break_reason_map (priority, match_type, pattern, category) VALUES (5, 'contains', 'pray', 'Meeting')")) as unknown as [{ insertId: number }];
    await pool.query("UPDATE break_reason_map SET category = 'Short Break' WHERE pattern = 'lunch'");
    try {
      await pool.query(range);
      const after = await readActivity(pool);
      const rules = DEFAULT_RULES.map((r) => (r.pattern === 'lunch' ? { ...r, category: 'Short Break' } : r)).concat({
        id: ins.insertId, priority: 5, matchType: 'contains', pattern: 'pray', category: 'Meeting',
      });
      const events = await readEvents(pool);
      expect(after.map(withoutCalls)).toEqual(referenceActivity(events, await hoursBetween(pool, H09 - 86400, H11 + 86400), H11, categorizeWith(rules)));
      const h10 = after.find((r) => r.hourStart === H10)!;
      const h10before = before.find((r) => r.hourStart === H10)!;
      expect([h10.other_npt_s, h10.meeting_s, h10.lunch_s, h10.short_break_s]).toEqual([0, 600, 0, 900]);
      expect([h10before.other_npt_s, h10before.meeting_s, h10before.lunch_s, h10before.short_break_s]).toEqual([600, 0, 900, 0]);
      // no second lost: every row's counted seconds and non-Offline seconds are unchanged
      const active = (r: (typeof after)[number]) => r.counted_s - r.offline_s;
      expect(after.map((r) => [r.hourStart, r.counted_s, active(r)])).toEqual(before.map((r) => [r.hourStart, r.counted_s, active(r)]));
      expect(await rows(pool, 'SELECT normalized_reason FROM vw_unmapped_reasons')).toEqual([]);
    } finally {
      await pool.query('DELETE FROM break_reason_map WHERE id = ?', [ins.insertId]);
      await pool.query("UPDATE break_reason_map SET category = 'Lunch' WHERE pattern = 'lunch'");
    }
    await pool.query(range);
    expect(await readActivity(pool)).toEqual(before);
  });

  it('categorises reasons as rules §3 says (fn_break_category = the reference categories)', async () => {
    const { pool } = db();
    const extra = ['  LUNCH\t\tbreak ', 'Do not disturb please', 'dnd please', 'LOGIN', 'log in', 'Tea   break', 'Tea breaks', 'coffee-time', 'ticketing', 'x'];
    for (const reason of [...REASONS, ...extra]) {
      const [r] = await rows<{ c: string; id: number | null }>(pool, 'SELECT fn_break_category(?) AS c, fn_break_rule_id(?) AS id', [reason, reason]);
      expect(r!.c, JSON.stringify(reason)).toBe(defaultCategorize(reason));
      expect(r!.id === null, JSON.stringify(reason)).toBe(defaultCategorize(reason) === 'Other NPT');
    }
  });

  it('data-quality views: reconciliation, unmapped reasons, unknown event types, answered > offered', async () => {
    const { pool } = db();
    await loadWorkedExample(pool);
    await insertEvents(pool, [ev('4101', H09 + 5, 0, 'agent_teleport', true, 'x'), ev('4101', H09 + 6, 0, 'agent_teleport', false, 'x'), ev('4102', H09 + 6, 0, 'agent_teleport', true, 'x')]);
    await pool.query(
      "INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, total_calls, answered_calls, not_available_detailed_report) VALUES (?, ?, '4102', ?, 1, 3, '{\"Odd \\\\\"reason\\\\\"\": 7}')",
      [H10, H10, H11],
    );
    await pool.query("CALL sp_aggregate_range('2025-09-07 09:00:00', '2025-09-07 11:00:00')");
    // the worked example's stats are the upstream's own figures: every difference is 0
    const rec = await rows<{ hour_start: number; ext: string; field: string; reason: string | null; derived_s: number; upstream_s: number | null; diff_s: number | null }>(
      pool,
      'SELECT hour_start, ext, field, reason, derived_s, upstream_s, diff_s FROM vw_reconciliation WHERE hour_start IN (?, ?) ORDER BY hour_start, ext, field, reason',
      [H09, H10],
    );
    const of4101 = rec.filter((r) => r.ext === '4101');
    expect(of4101).toHaveLength(6 + 8);
    expect(of4101.every((r) => Number(r.diff_s) === 0 && r.upstream_s !== null)).toBe(true);
    expect(of4101.find((r) => r.hour_start === H09 && r.field === 'on_call_time')).toMatchObject({ derived_s: 600, upstream_s: 600 });
    expect(of4101.find((r) => r.hour_start === H10 && r.reason === ' ON Tickets ')).toMatchObject({ derived_s: 1500, upstream_s: 1500 });
    expect(rec.find((r) => r.ext === '4102' && r.reason !== null)).toMatchObject({ hour_start: H10, reason: 'Odd "reason"', derived_s: 0, upstream_s: 7, diff_s: -7 });

    expect(await rows(pool, 'SELECT normalized_reason, example, other_npt_s, agent_hours FROM vw_unmapped_reasons')).toEqual([
      { normalized_reason: 'prayer', example: 'Prayer', other_npt_s: 600, agent_hours: 1 },
    ]);
    expect(await rows(pool, 'SELECT event, events, agents, first_ts, last_ts FROM vw_unknown_event_types')).toEqual([
      { event: 'agent_teleport', events: 3, agents: 2, first_ts: H09 + 5, last_ts: H09 + 6 },
    ]);
    expect(await rows(pool, 'SELECT hour_start, ext, total_calls, answered_calls, excess FROM vw_answered_over_offered')).toEqual([
      { hour_start: H10, ext: '4102', total_calls: 1, answered_calls: 3, excess: 2 },
    ]);
    // unknown types change nothing
    expect(await readActivity(pool, H09, H11).then((r) => r.filter((x) => x.ext === '4101'))).toEqual(WORKED_EXAMPLE);
  });

  it('refuses malformed calls with a message, and leaves the session as it found it', async () => {
    const { pool } = db();
    const conn = await pool.getConnection();
    try {
      const vars = "SELECT @@SESSION.sort_buffer_size AS s, @@SESSION.tmp_table_size AS t, @@SESSION.max_heap_table_size AS h";
      const [before] = await conn.query(vars);
      const { badRange, outsideCalendar } = REFUSALS;
      await expect(conn.query("CALL sp_aggregate_hour('2025-09-07 09:30:00')")).rejects.toMatchObject({ sqlState: badRange.sqlState, message: expect.stringMatching(/whole local hour/) });
      await expect(conn.query("CALL sp_aggregate_hour('2051-01-01 00:00:00')")).rejects.toMatchObject({ sqlState: outsideCalendar.sqlState });
      await expect(conn.query("CALL sp_aggregate_range('2025-09-08 00:00:00', '2025-09-07 00:00:00')")).rejects.toMatchObject({ sqlState: badRange.sqlState, message: expect.stringMatching(/p_from <= p_to/) });
      await expect(conn.query('CALL sp_aggregate_epoch_range(?, ?)', [0, 100])).rejects.toMatchObject({ sqlState: outsideCalendar.sqlState });
      await conn.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
      const [after] = await conn.query(vars);
      expect(after).toEqual(before);
      const [lock] = await conn.query("SELECT IS_USED_LOCK(fn_lock_name('aggregate')) AS holder");
      expect((lock as { holder: unknown }[])[0]!.holder).toBeNull();
    } finally {
      conn.release();
    }
  });

  it('two callers at once take turns and leave the right rows', async () => {
    const { pool } = db();
    await loadWorkedExample(pool);
    await Promise.all([
      pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')"),
      pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')"),
      pool.query('CALL sp_aggregate_epoch_range(?, ?)', [H09, H11]),
      pool.query("CALL sp_aggregate_hour('2025-09-07 10:00:00')"),
    ]);
    expect(await readActivity(pool, H09, H11)).toEqual(WORKED_EXAMPLE);
  });

  it('in groups of agents over many hours: re-running removes the rows no longer produced and finds calls of agents without events', async () => {
    const { pool } = db();
    await clearData(pool);
    const from = H09;
    const to = H09 + 48 * 3600;
    const events: RefEvent[] = [];
    for (const ext of ['7101', '7102', '7103', '7104', '7105']) {
      for (let day = 0; day < 2; day++) {
        const t = from + day * 86400 + Number(ext.slice(3)) * 600;
        events.push(ev(ext, t, 0, 'agent_not_avail_state', true, 'Lunch Break'));
        events.push(ev(ext, t + 1200, 0, 'agent_not_avail_state', false, 'Lunch Break'));
        events.push(ev(ext, t + 1200, 1, 'agent_idle', true, 'available'));
        events.push(ev(ext, t + 5000, 0, 'agent_idle', false, 'available'));
      }
    }
    await insertEvents(pool, events);
    const call = (ext: string, at: number, total: number) => [at, at, ext, at + 900, total, 1];
    await pool.query('INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, total_calls, answered_calls) VALUES ?', [
      [call('7106', from + 900 - 900, 3), call('7106', from + 86400, 2), call('7102', from + 3600, 1)],
    ]);
    await setLoaded(pool, [{ from: from - 3600, to }]);
    const tables = async () => ({
      slots: await rows(pool, 'SELECT * FROM agent_slot_activity ORDER BY slot_start, ext'),
      hours: await activitySnapshot(pool),
      reasons: await rows(pool, 'SELECT hour_start, ext, HEX(reason) AS reason, reason_s FROM agent_reason_activity ORDER BY hour_start, ext, reason'),
    });
    const grouped = async () => {
      const conn = await pool.getConnection();
      try {
        // 48 hours, 100 agent-hours a piece: groups of two agents
        await conn.query('SET @apr_agent_hours_per_piece = 100');
        await conn.query('CALL sp_aggregate_epoch_range(?, ?)', [from, to]);
      } finally {
        conn.release();
      }
    };
    await grouped();
    const first = await tables();
    expect(first.hours.filter((r) => (r as { ext: string }).ext === '7106').map((r) => (r as { total_calls: number }).total_calls)).toEqual([3, 2]);
    expect(first.reasons.some((r) => (r as { ext: string }).ext === '7103')).toBe(true);

    // 7103's second day and 7106's calls turn out to be wrong and are removed
    await pool.query("DELETE FROM agent_events WHERE ext = '7103' AND ts >= ?", [from + 86400]);
    await pool.query("DELETE FROM users_calls WHERE ext = '7106'");
    await grouped();
    const again = await tables();
    expect(again.slots.length).toBeLessThan(first.slots.length);
    expect(again.hours.some((r) => (r as { ext: string }).ext === '7106')).toBe(false);

    // the same as computing from nothing
    for (const t of ['agent_slot_activity', 'agent_activity', 'agent_reason_activity', 'agent_state_checkpoints', 'agent_state_marks']) {
      await pool.query(`DELETE FROM ${t}`);
    }
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [from, to]);
    expect(again).toEqual(await tables());
    expect(await conservationViolations(pool)).toEqual([]);
  });
});

describe('transform on a DST fall-back day (Europe/London)', () => {
  const db = useTestDatabase('transform-london', 'Europe/London');

  it("sp_aggregate_hour('2025-10-26 01:00:00') computes both 01:00 hours", async () => {
    const { pool } = db();
    // 01:00 BST = 00:00 UTC; 01:00 GMT = 01:00 UTC
    const first = Date.parse('2025-10-26T00:00:00Z') / 1000;
    await insertEvents(pool, [ev('9001', first - 600, 0, 'agent_idle', true, 'available'), ev('9001', first + 5400, 0, 'agent_idle', false, 'available')]);
    await setHorizon(pool, first + 4 * 3600);
    await pool.query("CALL sp_aggregate_hour('2025-10-26 01:00:00')");
    expect(await rows(pool, 'SELECT hour_start, local_start, local_end, counted_s, idle_s, offline_s FROM agent_activity ORDER BY hour_start')).toEqual([
      { hour_start: first, local_start: '2025-10-26 01:00:00', local_end: '2025-10-26 01:00:00', counted_s: 3600, idle_s: 3600, offline_s: 0 },
      { hour_start: first + 3600, local_start: '2025-10-26 01:00:00', local_end: '2025-10-26 02:00:00', counted_s: 3600, idle_s: 1800, offline_s: 1800 },
    ]);
    // the spring-forward gap has no 01:00 hour: nothing to compute, no error
    await expect(pool.query("CALL sp_aggregate_hour('2025-03-30 01:00:00')")).resolves.toBeDefined();
    expect(await conservationViolations(pool)).toEqual([]);
  });
});
