import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { readFileSync } from 'node:fs';
import { useTestDatabase, rows } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats } from './helpers/fixtures.ts';
import { normalizeEvents, normalizeStats } from '../src/upstream/normalize.ts';
import { loadEvents } from '../src/load/events.ts';
import { replaceSlotStats } from '../src/load/stats.ts';
import { advanceHorizon, recordWindow } from '../src/load/horizon.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { insertRejected } from '../src/load/rejected.ts';
import { withTransaction } from '../src/load/transaction.ts';
import { connect, createPool } from '../src/db/pool.ts';

const FIX = new URL('./fixtures', import.meta.url).pathname;
const json = (p: string): unknown => JSON.parse(readFileSync(`${FIX}/${p}`, 'utf8'));
const db = useTestDatabase('load');

async function reset(): Promise<void> {
  const { pool } = db();
  for (const t of ['agent_events', 'users_calls', 'agents', 'rejected_records', 'loaded_windows']) await pool.query(`DELETE FROM ${t}`);
  await pool.query('UPDATE collector_state SET horizon = NULL WHERE id = 1');
}

/** Every stored event, all but loaded_at (which records when a row was last loaded). */
const storedEvents = () =>
  rows(db().pool, 'SELECT ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp, extra FROM agent_events ORDER BY ext, ts, seq');

/** The same database through a client that does not offer LOAD DATA LOCAL: the server refuses it. */
function refusingUrl(): string {
  const url = new URL(db().url);
  url.searchParams.set('flags', '-LOCAL_FILES');
  return url.toString();
}

let refusingPool: Pool | undefined;
beforeAll(() => {
  refusingPool = createPool(refusingUrl());
});
afterAll(async () => {
  await refusingPool?.end();
});

const ev = (ts: number, username: string | null, extra: Record<string, unknown> = {}) => ({
  event: 'agent_idle', enabled: true, user_id: 'u', ext: '7001', username, state: 'available', Timestamp: ts, ...extra,
});

// Each case runs twice: through LOAD DATA LOCAL, and through the INSERT statements used
// where the server refuses it (MySQL 8's default). Both must store the same rows.
describe.each([
  ['LOAD DATA', false],
  ['INSERT, LOAD DATA refused', true],
])('loadEvents by %s', (_path, refusing) => {
  const loader = (): Pool => (refusing ? refusingPool! : db().pool);

  it('takes the path it should, and asks a refusing server only once per connection', async () => {
    await reset();
    const conn = await connect(refusing ? refusingUrl() : db().url);
    try {
      const { events } = normalizeEvents({ events: [ev(100, 'A'), ev(101, 'B')] });
      await loadEvents(conn, events);
      await loadEvents(conn, events);
      const [counters] = await conn.query("SHOW SESSION STATUS WHERE Variable_name IN ('Com_load', 'Com_insert')");
      const status = Object.fromEntries((counters as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
      // events by LOAD DATA or INSERT, agents by INSERT; a refusal counts as one Com_load
      expect(status).toEqual(refusing ? { Com_load: 1, Com_insert: 4 } : { Com_load: 2, Com_insert: 2 });
    } finally {
      await conn.end();
    }
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 2 }]);
  });

  it('loads the worked example in feed order, and loading it again gives the same rows', async () => {
    await reset();
    const payload = json('worked-example/events.json') as { events: { event: string; enabled: boolean; Timestamp: number }[] };
    const r = await loadFixtureEvents(loader(), payload, 1757228400);
    expect(r).toEqual({ events: 20, rejected: 0 });
    const stored = await rows<{ ts: number; seq: number; event: string; enabled: number }>(
      db().pool, 'SELECT ts, seq, event, enabled FROM agent_events ORDER BY ts, seq');
    expect(stored.map((s) => [Number(s.ts), s.event, s.enabled === 1])).toEqual(payload.events.map((e) => [e.Timestamp, e.event, e.enabled]));
    // 10:50 local: Logoff on, idle on, not-avail off share one second and keep that order
    expect(stored.slice(-3).map((s) => s.seq)).toEqual([0, 1, 2]);
    const before = await storedEvents();
    await loadFixtureEvents(loader(), payload, 1757228400);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 20 }]);
    expect(await storedEvents()).toEqual(before);
    expect(await readHorizon(db().pool)).toBe(1757228400);
    const [agent] = await rows(db().pool, 'SELECT ext, raw_name, name, name_ts, name_seq, first_seen, last_seen, user_id FROM agents');
    expect(agent).toEqual({
      ext: '4101', raw_name: 'Layla Menon%0A', name: 'Layla Menon', name_ts: 1757227800, name_seq: 2,
      first_seen: 1757220600, last_seen: 1757227800, user_id: '5f0c2a9e1b7d4c3a8e6f9b2d1c0a4e7f',
    });
  });

  it('loads the real sample: 2,000 events, one row each, in many multi-row statements', async () => {
    await reset();
    const { events } = normalizeEvents(json('upstream-events-sample.json'));
    expect(await loadEvents(loader(), events)).toBe(2000);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n, COUNT(DISTINCT ext) AS agents FROM agent_events')).toEqual([{ n: 2000, agents: 60 }]);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agents')).toEqual([{ n: 60 }]);
  });

  it('a re-fetch upserts: the same identity takes the latest content, nothing is doubled', async () => {
    await reset();
    await loadEvents(loader(), normalizeEvents({ events: [ev(100, 'A'), ev(100, 'A', { enabled: false })] }).events);
    await loadEvents(loader(), normalizeEvents({ events: [ev(100, 'A'), ev(100, 'A', { enabled: true, state: 'changed' })] }).events);
    expect(await rows(db().pool, 'SELECT seq, enabled, state FROM agent_events ORDER BY seq')).toEqual([
      { seq: 0, enabled: 1, state: 'available' },
      { seq: 1, enabled: 1, state: 'changed' },
    ]);
  });

  it('the agent name is the latest non-empty cleaned name by (ts, seq), whatever the load order', async () => {
    await reset();
    const { pool } = db();
    await loadEvents(loader(), normalizeEvents({ events: [ev(200, 'Karan+ Sengar'), ev(200, 'Second%20Name')] }).events);
    expect(await rows(pool, 'SELECT name, name_ts, name_seq FROM agents')).toEqual([{ name: 'Second Name', name_ts: 200, name_seq: 1 }]);
    // an older window loaded later does not win
    await loadEvents(loader(), normalizeEvents({ events: [ev(100, 'Old Name')] }).events);
    // an empty or blank name never wins
    await loadEvents(loader(), normalizeEvents({ events: [ev(300, '%0A'), ev(301, null), ev(302, ' + ')] }).events);
    expect(await rows(pool, 'SELECT name, name_ts, name_seq, first_seen, last_seen FROM agents')).toEqual([
      { name: 'Second Name', name_ts: 200, name_seq: 1, first_seen: 100, last_seen: 302 },
    ]);
    await loadEvents(loader(), normalizeEvents({ events: [ev(250, 'Insaf Ben+Arous')] }).events);
    expect(await rows(pool, 'SELECT name, raw_name, name_ts FROM agents')).toEqual([{ name: 'Insaf Ben Arous', raw_name: 'Insaf Ben+Arous', name_ts: 250 }]);
  });

  it('stores any text exactly: quotes, backslashes, control characters, non-Latin scripts', async () => {
    await reset();
    const nasty = [`O'Brien \\ "x"`, 'a\u0000b\n\r\t\u001a\b', 'علي Zoë 😀', "'); DROP TABLE agents; --", '?', '%0A+%C3%A9'];
    const { events } = normalizeEvents({ events: nasty.map((n, i) => ev(100 + i, n, { state: n, user_id: `u${i}?` })) });
    await loadEvents(loader(), events);
    const stored = await rows<{ username: string; state: string; user_id: string }>(db().pool, 'SELECT username, state, user_id FROM agent_events ORDER BY ts');
    expect(stored.map((r) => r.username)).toEqual(nasty);
    expect(stored.map((r) => r.state)).toEqual(nasty);
    expect(stored.map((r) => r.user_id)).toEqual(nasty.map((_, i) => `u${i}?`));
    // the latest event's name, cleaned: '%0A+%C3%A9' -> newline, space, 'é' -> 'é'
    expect(await rows(db().pool, 'SELECT name FROM agents')).toEqual([{ name: 'é' }]);
  });

  it('a fractional raw Timestamp is stored rounded, half away from zero', async () => {
    await reset();
    const stamps = [1757228400.5, 1757228401123.7, 1757228402.49, 1757228403999.5];
    await loadEvents(loader(), normalizeEvents({ events: stamps.map((t) => ev(t, 'A')) }).events);
    expect(await rows(db().pool, 'SELECT ts, raw_timestamp FROM agent_events ORDER BY ts')).toEqual([
      { ts: 1757228400, raw_timestamp: 1757228401 },
      { ts: 1757228401, raw_timestamp: 1757228401124 },
      { ts: 1757228402, raw_timestamp: 1757228402 },
      { ts: 1757228403, raw_timestamp: 1757228404000 },
    ]);
  });

  it('unknown event types load like the rest', async () => {
    await reset();
    const { events, rejected } = normalizeEvents({ events: [ev(10, 'X', { event: 'agent_teleport', extra_field: [1, 2] })] });
    expect(rejected).toEqual([]);
    await loadEvents(loader(), events);
    expect(await rows(db().pool, 'SELECT event, JSON_EXTRACT(extra, \'$.extra_field[1]\') AS x FROM agent_events')).toEqual([{ event: 'agent_teleport', x: 2 }]);
  });

  it('a value that does not fit fails the load, nothing is stored cut short', async () => {
    await reset();
    const [good] = normalizeEvents({ events: [ev(100, 'A')] }).events;
    // the normaliser rejects such a record; here it reaches the loader anyway
    const long = { ...good!, ext: 'x'.repeat(40) };
    await expect(withTransaction(loader(), (conn) => loadEvents(conn, [good!, long]))).rejects.toThrow(/Data too long for column 'ext'|warning/);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 0 }]);
  });

  it('a failing statement rolls the whole window back', async () => {
    await reset();
    const { pool } = db();
    const { events } = normalizeEvents({ events: [ev(10, 'X')] });
    await expect(
      withTransaction(loader(), async (conn) => {
        await loadEvents(conn, events);
        await advanceHorizon(conn, 500);
        await conn.query('INSERT INTO no_such_table VALUES (1)');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 0 }]);
    expect(await readHorizon(pool)).toBeNull();
  });
});

describe('replaceSlotStats', () => {
  it('replaces the whole slot: an extension missing from the re-fetch loses its row', async () => {
    await reset();
    const { pool } = db();
    const first = normalizeStats({ '1': { name: 'Meera+ Nasser', total_calls: 3, answered_calls: 1 }, '2': { name: 'B', total_calls: 5 } }).stats;
    await withTransaction(pool, (c) => replaceSlotStats(c, { slotStart: 3600, hourStart: 3600 }, 4500, first));
    await withTransaction(pool, (c) => replaceSlotStats(c, { slotStart: 8100, hourStart: 7200 }, 8200, first));
    const again = normalizeStats({ '1': { name: 'Meera+ Nasser', total_calls: 4, answered_calls: 2, not_available_detailed_report: { 'Tea Break': 60 } } }).stats;
    expect(await withTransaction(pool, (c) => replaceSlotStats(c, { slotStart: 3600, hourStart: 3600 }, 4500, again))).toBe(1);
    const stored = await rows<Record<string, unknown>>(pool, 'SELECT slot_start, hour_start, ext, fetched_to, total_calls, answered_calls, not_available_detailed_report FROM users_calls ORDER BY slot_start, ext');
    // MariaDB returns JSON columns as text, MySQL 8 as parsed values
    const parsed = stored.map((r) => ({ ...r, not_available_detailed_report: typeof r.not_available_detailed_report === 'string' ? JSON.parse(r.not_available_detailed_report) : r.not_available_detailed_report }));
    expect(parsed).toEqual([
      { slot_start: 3600, hour_start: 3600, ext: '1', fetched_to: 4500, total_calls: 4, answered_calls: 2, not_available_detailed_report: { 'Tea Break': 60 } },
      { slot_start: 8100, hour_start: 7200, ext: '1', fetched_to: 8200, total_calls: 3, answered_calls: 1, not_available_detailed_report: null },
      { slot_start: 8100, hour_start: 7200, ext: '2', fetched_to: 8200, total_calls: 5, answered_calls: 0, not_available_detailed_report: null },
    ]);
    expect(await rows(pool, 'SELECT ext, stats_name, name FROM agents ORDER BY ext')).toEqual([
      { ext: '1', stats_name: 'Meera Nasser', name: null },
      { ext: '2', stats_name: 'B', name: null },
    ]);
  });

  it('loads the worked example stats through the fixture helper', async () => {
    await reset();
    const r = await loadFixtureStats(db().pool, json('worked-example/v2/stats.json') as Record<string, unknown>);
    expect(r).toEqual({ rows: 12, rejected: 0 });
    // one call offered in each of the slots 09:00, 09:15 and 09:30 (05:00, 05:15, 05:30 UTC), the second answered
    expect(
      await rows(db().pool, 'SELECT slot_start, hour_start, fetched_to, total_calls, answered_calls FROM users_calls WHERE total_calls > 0 ORDER BY slot_start'),
    ).toEqual([
      { slot_start: 1757221200, hour_start: 1757221200, fetched_to: 1757222100, total_calls: 1, answered_calls: 0 },
      { slot_start: 1757222100, hour_start: 1757221200, fetched_to: 1757223000, total_calls: 1, answered_calls: 1 },
      { slot_start: 1757223000, hour_start: 1757221200, fetched_to: 1757223900, total_calls: 1, answered_calls: 0 },
    ]);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n, MIN(slot_start) AS lo, MAX(fetched_to) AS hi FROM users_calls WHERE raw IS NOT NULL')).toEqual([
      { n: 12, lo: 1757217600, hi: 1757228400 },
    ]);
  });
});

describe('horizon, windows, rejected records', () => {
  it('the horizon moves forward only', async () => {
    await reset();
    const { pool } = db();
    expect(await advanceHorizon(pool, 1000)).toEqual({ previous: null, current: 1000 });
    expect(await advanceHorizon(pool, 500)).toEqual({ previous: 1000, current: 1000 });
    expect(await readHorizon(pool)).toBe(1000);
    expect(await advanceHorizon(pool, 2000)).toEqual({ previous: 1000, current: 2000 });
    await recordWindow(pool, { fromTs: 1, toTs: 2, source: 'backfill', events: 3, statsRows: 4, rejected: 5, splits: 6 });
    expect(await rows(pool, 'SELECT from_ts, to_ts, source, events, stats_rows, rejected, splits FROM loaded_windows')).toEqual([
      { from_ts: 1, to_ts: 2, source: 'backfill', events: 3, stats_rows: 4, rejected: 5, splits: 6 },
    ]);
  });

  it('malformed records land in rejected_records with the reason and raw record, once', async () => {
    await reset();
    const { pool } = db();
    const payload = { events: [ev(1, 'A', { ext: undefined }), ev(2, 'A', { Timestamp: 'abc' }), ev(3, 'A', { enabled: 'maybe' }), ev(4, 'A')] };
    const { events, rejected } = normalizeEvents(payload);
    expect(events).toHaveLength(1);
    expect(await insertRejected(pool, rejected, 0, 10)).toBe(3);
    expect(await insertRejected(pool, rejected, 0, 10)).toBe(0);
    const stored = await rows<{ endpoint: string; reason: string; raw: string }>(pool, 'SELECT endpoint, reason, raw FROM rejected_records ORDER BY id');
    expect(stored.map((s) => [s.endpoint, s.reason, JSON.parse(s.raw)])).toEqual([
      ['events', 'missing ext', payload.events[0]],
      ['events', 'non-numeric Timestamp', JSON.parse(JSON.stringify(payload.events[1]))],
      ['events', 'invalid enabled: "maybe"', payload.events[2]],
    ]);
  });
});
