// rules §10 against the reference model (test/reference/now.ts) over simulated days with a
// gap and a partial hour at the horizon: the breaks of several ranges (cut at a stretch's
// end, running at the horizon, a reason change with no off, a higher-priority flag
// interrupting a break, one followed past its range's end), the live state (since when,
// followed back past midnight), and the live `today` equal to the day's report row.
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows, useTestDatabase } from './helpers/database.ts';
import { insertEvents, setLoaded } from './reference/sql.ts';
import { randomAgentTimeline, rng } from './reference/timelines.ts';
import type { RefEvent, RefStretch } from './reference/model.ts';
import { referenceBreaks, referenceLive, referenceRuns } from './reference/now.ts';
import { readLive } from '../src/now/live.ts';
import { FULL_SCOPE } from '../src/access/scope.ts';
import { writeReport } from '../src/report/write.ts';
import { parseReportParams } from '../src/report/params.ts';
import { parseBreaksParams } from '../src/now/breaks-params.ts';
import { writeBreaks } from '../src/now/breaks.ts';
import { pruneRaw } from '../src/retention/prune.ts';
import { memoryLogger } from '../src/log.ts';

const db = useTestDatabase('now-model', 'Asia/Dubai');
const D0 = Date.UTC(2025, 9, 4, 20) / 1000; // 2025-10-05 00:00 +04:00
const H = 3600;
const STRETCHES: RefStretch[] = [
  { from: D0 - 6 * H, to: D0 + 20 * H },
  // a gap 20:00-21:30, then a stretch up to a horizon inside the hour 06:00-07:00 of the next day
  { from: D0 + 21.5 * H, to: D0 + 30 * H + 1234 },
];
const HORIZON = STRETCHES[1]!.to;

const ev = (ext: string, ts: number, seq: number, event: string, enabled: boolean, state: string | null = 'none'): RefEvent => ({ ext, ts, seq, event, enabled, state });
const NA = 'agent_not_avail_state';

/** The cases rules §10 names, by hand, beside the random agents. */
const HANDMADE: RefEvent[] = [
  // a lunch cut by the stretch's end (the gap)
  ev('H1', D0 + 20 * H - 600, 0, NA, true, 'Lunch Break'),
  // a tea break still running at the horizon, over its limit
  ev('H2', D0 + 25 * H, 0, 'agent_idle', true, 'available'),
  ev('H2', HORIZON - 2000, 0, NA, true, 'Tea Break'),
  ev('H2', HORIZON - 2000, 1, 'agent_idle', false),
  // a reason change with no off, then a call interrupting the break, which resumes as a new one
  ev('H3', D0 + 22 * H, 0, NA, true, 'Lunch'),
  ev('H3', D0 + 22 * H + 300, 0, NA, true, 'Bio Break'),
  ev('H3', D0 + 22 * H + 400, 0, 'agent_on_call', true),
  ev('H3', D0 + 22 * H + 500, 0, 'agent_on_call', false),
  ev('H3', D0 + 22 * H + 600, 0, NA, true, ' bio   BREAK '), // the same normalised reason: the same break
  ev('H3', D0 + 22 * H + 700, 0, NA, false),
  // a logoff open at midnight, followed into the next day
  ev('H4', D0 + 24 * H - 100, 0, NA, true, 'Logoff'),
  ev('H4', D0 + 29 * H, 0, NA, true, 'Login'),
  ev('H4', D0 + 29 * H + 60, 0, 'agent_idle', true, 'available'),
  ev('H4', D0 + 29 * H + 60, 1, NA, false),
  // in a meeting since before midnight: live `since` is followed back
  ev('H5', D0 + 22 * H, 0, NA, true, 'Team Meeting'),
  // an event in the gap is not loaded: nothing of it is carried
  ev('H7', D0 + 21 * H, 0, NA, true, 'DND'),
];

let events: RefEvent[] = [];

beforeAll(async () => {
  const { pool } = db();
  const r = rng(20251005);
  events = [...HANDMADE];
  for (let a = 0; a < 25; a++) events.push(...randomAgentTimeline(r, String(5000 + a), D0 - 6 * H, HORIZON + 3600));
  await insertEvents(pool, events);
  await setLoaded(pool, STRETCHES);
  await pool.query('INSERT INTO agents (ext, name) SELECT DISTINCT ext, CONCAT(\'Agent \', ext) FROM agent_events');
  await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [D0 - 6 * H, D0 + 31 * H]);
}, 120_000);

async function sqlBreaks(from: number, to: number, exts?: string[]) {
  const conn = await db().pool.getConnection();
  try {
    await conn.query('DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_exts');
    await conn.query('CREATE TEMPORARY TABLE apr_tmp_now_exts (ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY) ENGINE=MEMORY');
    if (exts) await conn.query('INSERT INTO apr_tmp_now_exts (ext) VALUES ?', [exts.map((e) => [e])]);
    await conn.query('CALL sp_agent_breaks(?, ?, ?)', [from, to, exts !== undefined]);
    const [rows] = await conn.query('SELECT ext, b_from, b_to, category, reason FROM apr_tmp_now_breaks ORDER BY ext, b_from');
    return (rows as { ext: string; b_from: number; b_to: number; category: string; reason: string }[]).map((x) => ({
      ext: x.ext, from: Number(x.b_from), to: Number(x.b_to), category: x.category, reason: x.reason,
    }));
  } finally {
    conn.release();
  }
}

const byExtFrom = <T extends { ext: string; from: number }>(xs: T[]) => [...xs].sort((a, b) => (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : a.from - b.from));

describe('breaks against the reference model', () => {
  const ranges: [string, number, number][] = [
    ['day 1 (breaks open at midnight followed into day 2, one cut by the gap)', D0, D0 + 24 * H],
    ['day 2 (past the horizon: running breaks)', D0 + 24 * H, D0 + 48 * H],
    ['a range off the hour, across the gap', D0 + 10 * H + 123, D0 + 22 * H + 450],
    ['before any loaded time to the horizon', D0 - 12 * H, HORIZON],
  ];
  for (const [what, from, to] of ranges) {
    it(what, async () => {
      const expected = referenceBreaks(referenceRuns(events, STRETCHES), from, to);
      expect(expected.length).toBeGreaterThan(0);
      expect(await sqlBreaks(from, to)).toEqual(byExtFrom(expected));
    });
  }

  it('the handmade cases come out as rules §10 says', async () => {
    const got = await sqlBreaks(D0 + 12 * H, HORIZON, ['H1', 'H2', 'H3', 'H4', 'H7']);
    expect(got).toEqual([
      { ext: 'H1', from: D0 + 20 * H - 600, to: D0 + 20 * H, category: 'Lunch', reason: 'Lunch Break' },
      { ext: 'H2', from: HORIZON - 2000, to: HORIZON, category: 'Tea/Coffee', reason: 'Tea Break' },
      { ext: 'H3', from: D0 + 22 * H, to: D0 + 22 * H + 300, category: 'Lunch', reason: 'Lunch' },
      { ext: 'H3', from: D0 + 22 * H + 300, to: D0 + 22 * H + 400, category: 'Bio', reason: 'Bio Break' },
      { ext: 'H3', from: D0 + 22 * H + 500, to: D0 + 22 * H + 700, category: 'Bio', reason: 'Bio Break' },
      { ext: 'H4', from: D0 + 24 * H - 100, to: D0 + 29 * H, category: 'Logoff', reason: 'Logoff' },
      { ext: 'H4', from: D0 + 29 * H, to: D0 + 29 * H + 60, category: 'Login', reason: 'Login' },
    ]);
  });

  it('an ext filter gives the same rows as the whole centre, filtered', async () => {
    const exts = ['5003', '5007', 'H3'];
    const all = await sqlBreaks(D0, D0 + 24 * H);
    expect(await sqlBreaks(D0, D0 + 24 * H, exts)).toEqual(all.filter((b) => exts.includes(b.ext)));
  });
});

const trim = (s: string | null) => (s === null ? null : s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, ''));

describe('live state against the reference model', () => {
  it('every listed agent, its state, reason and since', async () => {
    const live = await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE);
    const expected = referenceLive(referenceRuns(events, STRETCHES), STRETCHES, HORIZON, D0 + 24 * H);
    const got = live.agents.map((a) => ({ ext: a.ext, state: a.state, reason: a.reason, since: Date.parse(a.since) / 1000 }));
    expect([...got].sort((a, b) => (a.ext < b.ext ? -1 : 1))).toEqual(
      expected.map((x) => ({ ...x, reason: trim(x.reason) })).sort((a, b) => (a.ext < b.ext ? -1 : 1)),
    );
    expect(live.agents.find((a) => a.ext === 'H2')).toMatchObject({ state: 'Tea/Coffee', seconds: 2000, limit_seconds: 900, over_limit: true });
    expect(live.agents.find((a) => a.ext === 'H5')).toMatchObject({ state: 'Meeting', since: '2025-10-05T22:00:00+04:00' });
    expect(live.agents.find((a) => a.ext === 'H7')).toBeUndefined();
    // counts are the listed agents by state
    const counts: Record<string, number> = {};
    for (const a of live.agents) counts[a.state] = (counts[a.state] ?? 0) + 1;
    expect(live.counts).toEqual(counts);
    expect(live.as_of).toBe('2025-10-06T06:20:34+04:00');
  });

  it('today equals the interval=day report row of every agent (zeros without one)', async () => {
    const live = await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE);
    let text = '';
    const sink = new Writable({ write(c: Buffer, _e, done) { text += c.toString('utf8'); done(); } });
    await writeReport(db().pool, parseReportParams([['startDate', '2025-10-06'], ['interval', 'day'], ['format', 'json']], 'Asia/Dubai', 93), 'Asia/Dubai', sink);
    const day = new Map((JSON.parse(text) as Record<string, number | string>[]).map((r) => [r.ext, r]));
    expect(live.agents.length).toBeGreaterThan(10);
    for (const a of live.agents) {
      const r = day.get(a.ext);
      const pick = (k: string) => (r === undefined ? 0 : Number(r[k]));
      expect(a.today, a.ext).toEqual({
        staffed_time: pick('staffed_time'), available_time: pick('available_time'), productive_break: pick('productive_break'),
        non_prod_break: pick('non_prod_break'), offline_time: pick('offline_time'), total_calls: pick('total_calls'), answered_calls: pick('answered_calls'),
      });
      // listed for a non-Offline second today, or not Offline now
      expect(a.state !== 'Offline' || pick('staffed_time') > 0, a.ext).toBe(true);
    }
  });

  it('an ext filter gives those agents as the whole centre has them', async () => {
    const all = await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE);
    const exts = ['H2', 'H5', '5001', '5002'];
    const some = await readLive(db().pool, 'Asia/Dubai', { ext: exts }, FULL_SCOPE);
    expect(some.agents).toEqual(all.agents.filter((a) => exts.includes(a.ext)));
  });
});

describe('teams and scope (rules §9) on the live state and the breaks', () => {
  const NORTH = { full: false as const, teams: ['North'] };
  beforeAll(async () => {
    await db().pool.query("INSERT INTO teams (name) VALUES ('North'), ('South')");
    await db().pool.query("INSERT INTO team_members (team, ext) VALUES ('North', 'H2'), ('North', 'H5'), ('North', '5001'), ('South', '5002'), ('South', 'H3')");
  });

  it('team keeps its members; a scoped token sees its teams only; outside is refused', async () => {
    const all = await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE);
    const north = ['H2', 'H5', '5001'];
    const byTeam = await readLive(db().pool, 'Asia/Dubai', { team: ['North'] }, FULL_SCOPE);
    expect(byTeam.agents).toEqual(all.agents.filter((a) => north.includes(a.ext)));
    expect(await readLive(db().pool, 'Asia/Dubai', {}, NORTH)).toEqual({ ...byTeam, age_seconds: expect.any(Number) });
    await expect(readLive(db().pool, 'Asia/Dubai', { ext: ['5002'] }, NORTH)).rejects.toMatchObject({ status: 403 });
    await expect(readLive(db().pool, 'Asia/Dubai', { team: ['South'] }, NORTH)).rejects.toMatchObject({ status: 403 });
    await expect(readLive(db().pool, 'Asia/Dubai', { team: ['Nowhere'] }, FULL_SCOPE)).rejects.toMatchObject({ status: 400 });
  });

  it('the breaks of a scoped token are its teams’ agents’ breaks', async () => {
    let text = '';
    const sink = new Writable({ write(c: Buffer, _e, done) { text += c.toString('utf8'); done(); } });
    const params = parseBreaksParams([['startDate', '2025-10-05'], ['endDate', '2025-10-07'], ['format', 'json']], 'Asia/Dubai', 93);
    await writeBreaks(db().pool, params, 'Asia/Dubai', sink, { scope: NORTH });
    const rows = JSON.parse(text) as { ext: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.ext))).toEqual(new Set(['H2', 'H5', '5001'].filter((e) => rows.some((r) => r.ext === e))));
    const all = await sqlBreaks(D0, D0 + 48 * H);
    expect(rows.length).toBe(all.filter((b) => ['H2', 'H5', '5001'].includes(b.ext)).length);
  });
});

describe('the live state the collector stores (sp_store_live_state)', () => {
  const NORTH = { full: false as const, teams: ['North'] };
  const read = (ask: { team?: string[] } = {}, scope: typeof FULL_SCOPE | typeof NORTH = FULL_SCOPE) => readLive(db().pool, 'Asia/Dubai', ask, scope);
  const h2Seconds = async () => (await read()).agents.find((a) => a.ext === 'H2')!.seconds;
  // a stored row changed by hand: it shows while the stored state is read
  const shiftStoredH2 = async () => {
    await db().pool.query("UPDATE live_state SET since = since - 60 WHERE ext = 'H2'");
    expect(await h2Seconds()).toBe(2060);
  };

  it('is read while the horizon, the loaded windows and the retention cut stand, and says what the events say', async () => {
    const { pool } = db();
    const computed = await read();
    const north = await read({ team: ['North'] });
    const scoped = await read({}, NORTH);
    await pool.query('CALL sp_store_live_state()');
    expect(await rows(pool, 'SELECT horizon FROM live_state_at')).toEqual([{ horizon: HORIZON }]);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM live_state')).toEqual([{ n: computed.agents.length }]);
    const anyAge = { age_seconds: expect.any(Number) };
    expect(await read()).toEqual({ ...computed, ...anyAge });
    expect(await read({ team: ['North'] })).toEqual({ ...north, ...anyAge });
    expect(await read({}, NORTH)).toEqual({ ...scoped, ...anyAge });
    // it is what is read
    await shiftStoredH2();
    // a break's category is looked up when read: a rule edited shows at once
    const tea = (await rows<{ id: number }>(pool, "SELECT id FROM break_reason_map WHERE category = 'Tea/Coffee'")).map((r) => r.id);
    await pool.query("UPDATE break_reason_map SET category = 'Bio' WHERE id IN (?)", [tea]);
    try {
      expect((await read()).agents.find((a) => a.ext === 'H2')!.state).toBe('Bio');
    } finally {
      await pool.query("UPDATE break_reason_map SET category = 'Tea/Coffee' WHERE id IN (?)", [tea]);
    }
    expect((await read()).agents.find((a) => a.ext === 'H2')!.state).toBe('Tea/Coffee');
  });

  it('stands for nothing once a window is loaded, the retention cut moves, or hours wait to be aggregated', async () => {
    const { pool } = db();
    await pool.query('CALL sp_store_live_state()');
    const computed = await read();
    await shiftStoredH2();
    // a window loaded since (here one that changes no stretch): computed from the events
    await pool.query("INSERT INTO loaded_windows (from_ts, to_ts, source) VALUES (?, ?, 'collector')", [HORIZON - 600, HORIZON]);
    expect(await h2Seconds()).toBe(2000);
    expect(await read()).toEqual({ ...computed, age_seconds: expect.any(Number) });
    await pool.query('CALL sp_store_live_state()');
    await shiftStoredH2();
    // a retention cut (before every event: it changes no state)
    await pool.query("INSERT INTO apr_settings (name, value) VALUES ('raw_cut', ?)", [String(D0 - 12 * H)]);
    try {
      expect(await h2Seconds()).toBe(2000);
    } finally {
      await pool.query("DELETE FROM apr_settings WHERE name = 'raw_cut'");
    }
    // hours pending: nothing is stored, and what was no longer holds
    await pool.query('INSERT INTO pending_aggregation (from_ts, to_ts) VALUES (?, ?)', [HORIZON - H, HORIZON]);
    try {
      await pool.query('CALL sp_store_live_state()');
      expect(await rows(pool, 'SELECT * FROM live_state_at')).toEqual([]);
      expect(await h2Seconds()).toBe(2000);
    } finally {
      await pool.query('DELETE FROM pending_aggregation');
    }
  });
});

describe('after the raw events before a retention cut are pruned (last: it deletes events)', () => {
  it('the breaks from the cut on and the live state are unchanged, for all agents and for a list', async () => {
    const exts = [...new Set(events.map((e) => e.ext))];
    const ranges: [number, number][] = [[D0, D0 + 24 * H], [D0 + 24 * H, D0 + 48 * H], [D0 + 3 * H + 17, D0 + 23 * H]];
    const before = [];
    for (const [f, t] of ranges) before.push(await sqlBreaks(f, t), await sqlBreaks(f, t, exts));
    const liveBefore = await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE);
    const res = await pruneRaw(db().pool, { reportTz: 'Asia/Dubai', days: 1, log: memoryLogger(), nowSeconds: HORIZON });
    expect(res).toMatchObject({ cut: D0, moved: true });
    expect(res.events).toBeGreaterThan(0);
    const after = [];
    for (const [f, t] of ranges) after.push(await sqlBreaks(f, t), await sqlBreaks(f, t, exts));
    expect(after).toEqual(before);
    expect({ ...(await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE)), age_seconds: 0 }).toEqual({ ...liveBefore, age_seconds: 0 });
  });
});
