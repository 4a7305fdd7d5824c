// Daily partitions of agent_events and users_calls on a real database: migrate splits off
// today and the days ahead; a split over rows already loaded keeps every row; a load into
// days with no partition of their own still succeeds; the transform's reads of a span touch
// only the span's partitions; a collector run and a backfill split their days first.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, configFor, clientFor, SIM_NOW } from './helpers/simulator.ts';
import { insertEvents, setLoaded } from './reference/sql.ts';
import type { RefEvent } from './reference/model.ts';
import { dayBounds, ensureDayPartitions, partitionsOf, DAYS_AHEAD } from '../src/db/partitions.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { memoryLogger } from '../src/log.ts';
import type { Pool } from 'mysql2/promise';

const TZ = 'Asia/Dubai';
const db = useTestDatabase('partitions', TZ);
const H = 3600;
const DAY = 86400;

function event(ext: string, ts: number, seq = 0): RefEvent {
  return { ext, ts, seq, event: 'agent_idle', enabled: true, state: null };
}

async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await rows<{ n: number }>(pool, sql, params))[0]!.n);
}

/** The partitions a statement reads, from EXPLAIN PARTITIONS (MariaDB) or EXPLAIN (MySQL 8). */
async function partitionsRead(pool: Pool, sql: string, params: unknown[]): Promise<string[]> {
  let plan: { partitions: string | null }[];
  try {
    plan = await rows(pool, `EXPLAIN PARTITIONS ${sql}`, params);
  } catch {
    plan = await rows(pool, `EXPLAIN ${sql}`, params);
  }
  return plan.flatMap((r) => (r.partitions ?? '').split(',').filter((p) => p !== ''));
}

describe('daily partitions', () => {
  it('migrate made today and the days ahead partitions of both tables, named for their local day', async () => {
    const { pool } = db();
    const today = DateTime.now().setZone(TZ).startOf('day');
    for (const table of ['agent_events', 'users_calls'] as const) {
      const parts = await partitionsOf(pool, table);
      expect(parts[0]).toMatchObject({ name: 'p_old', lo: null });
      expect(parts.at(-1)!.hi).toBeNull();
      for (let d = 0; d <= DAYS_AHEAD; d++) {
        const day = today.plus({ days: d });
        expect(parts).toContainEqual({ name: `p${day.toFormat('yyyyMMdd')}`, lo: day.toSeconds(), hi: day.plus({ days: 1 }).toSeconds() });
      }
    }
  });

  it('day bounds are local midnights, 23 and 25 hours apart on DST days, and +12:45 works', () => {
    // Europe/Berlin 2025-03-30 has 23 hours, 2025-10-26 has 25
    const spring = dayBounds('Europe/Berlin', Date.UTC(2025, 2, 29, 12) / 1000, Date.UTC(2025, 2, 30, 12) / 1000);
    expect(spring.map((b, i) => (i ? b - spring[i - 1]! : 0))).toEqual([0, DAY, 23 * H]);
    const fall = dayBounds('Europe/Berlin', Date.UTC(2025, 9, 26, 0) / 1000, Date.UTC(2025, 9, 26, 12) / 1000);
    expect(fall[1]! - fall[0]!).toBe(25 * H);
    const chatham = dayBounds('Pacific/Chatham', Date.UTC(2025, 5, 1) / 1000, Date.UTC(2025, 5, 1) / 1000 + 1);
    expect(DateTime.fromSeconds(chatham[0]!, { zone: 'Pacific/Chatham' }).toFormat('HH:mm')).toBe('00:00');
    expect((chatham[0]! % 3600) / 60).toBe(15); // 00:00 at +12:45 is 11:15 UTC
  });

  it('loads into days with no partition of their own, and a later split keeps every row where it belongs', async () => {
    const { pool } = db();
    const from = Date.UTC(2025, 8, 4, 20) / 1000; // 2025-09-05 00:00 local
    const far = Date.UTC(2031, 0, 1) / 1000; // past every partition made ahead: the top one
    const evs = [event('7001', 0), event('7001', from - 1), event('7001', from), event('7001', from + DAY + 5), event('7002', from + 2 * DAY - 1), event('7001', far)];
    await insertEvents(pool, evs);
    await pool.query('INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to) VALUES ?', [[[from, from, '7001', from + 900], [far, far, '7001', far + 900]]]);
    const created = await ensureDayPartitions(pool, TZ, from, from + 2 * DAY);
    expect(created).toBe(2 * 3); // three bounds in each table
    expect(await ensureDayPartitions(pool, TZ, from, from + 2 * DAY)).toBe(0);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events')).toBe(evs.length);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events PARTITION (p20250905)')).toBe(1);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events PARTITION (p20250906)')).toBe(2);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events PARTITION (p_old)')).toBe(2);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM users_calls PARTITION (p20250905)')).toBe(1);
    // a day ahead of the last one split off: into the top partition, then split too
    const top = (await partitionsOf(pool, 'agent_events')).at(-1)!;
    expect(await count(pool, `SELECT COUNT(*) AS n FROM agent_events PARTITION (${top.name})`)).toBe(1);
    await ensureDayPartitions(pool, TZ, far, far + 1);
    const farDay = `p${DateTime.fromSeconds(far, { zone: TZ }).toFormat('yyyyMMdd')}`;
    expect(await count(pool, `SELECT COUNT(*) AS n FROM agent_events PARTITION (${farDay})`)).toBe(1);
    expect(await count(pool, `SELECT COUNT(*) AS n FROM users_calls PARTITION (${farDay})`)).toBe(1);
    expect(await count(pool, 'SELECT COUNT(*) AS n FROM users_calls')).toBe(2);
    await pool.query('DELETE FROM agent_events');
    await pool.query('DELETE FROM users_calls');
  });

  it("a span's reads of agent_events touch only its days' partitions", async () => {
    const { pool } = db();
    const from = Date.UTC(2025, 8, 14, 20) / 1000; // 2025-09-15 00:00 local
    await ensureDayPartitions(pool, TZ, from - 3 * DAY, from + 3 * DAY);
    const read = await partitionsRead(pool, 'SELECT ext, ts, seq, event, enabled FROM agent_events WHERE ts >= ? AND ts < ?', [from + 9 * H, from + 10 * H]);
    expect(read).toEqual(['p20250915']);
    // the check of a state checkpoint reads from its latest event on (fn_mark_holds)
    const mark = await partitionsRead(pool, 'SELECT 1 FROM agent_events WHERE ts > ? AND ts < ?', [from - 2 * H, from + H]);
    expect(mark.sort()).toEqual(['p20250914', 'p20250915']);
  });

  it('a backfill splits off the days it loads before loading them, and the rows land there', async () => {
    const { pool, url } = db();
    const sim = await simulator({ agents: 20 });
    const upstream = clientFor(sim);
    // 14:00 to 02:00 local: across a local midnight
    const from = SIM_NOW - 14 * H;
    const to = SIM_NOW - 2 * H;
    try {
      const run = await runBackfill(configFor(url, TZ, sim), pool, { fromTs: from, toTs: to, log: memoryLogger(), upstream });
      expect(run.failed).toEqual([]);
      expect(run.events).toBeGreaterThan(0);
    } finally {
      await upstream.close();
      await sim.close();
    }
    const bounds = dayBounds(TZ, from, to);
    const parts = await partitionsOf(pool, 'agent_events');
    for (let i = 0; i + 1 < bounds.length; i++) expect(parts.map((p) => [p.lo, p.hi])).toContainEqual([bounds[i], bounds[i + 1]]);
    // every row is in the partition of its day
    const names = parts.filter((p) => p.lo !== null && p.hi !== null && p.lo < to && p.hi > from).map((p) => p.name);
    const inDays = await count(pool, `SELECT COUNT(*) AS n FROM agent_events PARTITION (${names.join(', ')})`);
    expect(inDays).toBe(await count(pool, 'SELECT COUNT(*) AS n FROM agent_events'));
    await setLoaded(pool, []);
  });
});
