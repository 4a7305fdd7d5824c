// The state checkpoints (agent_state_checkpoints, agent_state_marks) that let an hour
// start from the state its predecessor left instead of a lookup over all history. They
// must never change a figure: each scenario compares agent_activity with the reference
// model, and the checkpoints themselves with the model's flags at each instant.
import { describe, it, expect } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase, rows } from './helpers/database.ts';
import { referenceActivity, referenceFlagsAt, type RefEvent, type RefHour } from './reference/model.ts';
import { rng, int, randomAgentTimeline } from './reference/timelines.ts';
import { clearData, hoursBetween, insertEvents, readActivity, readEvents, setHorizon, withoutCalls, localStartOf } from './reference/sql.ts';

const FROM = Date.parse('2025-09-07T00:00:00Z') / 1000; // 04:00 Dubai, an hour start
const HOURS = 30;
const TO = FROM + HOURS * 3600;

function timeline(seed: number, agents = 8): RefEvent[] {
  const r = rng(seed);
  const out: RefEvent[] = [];
  for (let a = 0; a < agents; a++) out.push(...randomAgentTimeline(r, String(5000 + a), FROM - int(r, 1, 20) * 3600, TO));
  return out;
}

async function expectModel(pool: Pool, hours: RefHour[], label: string): Promise<void> {
  const events = await readEvents(pool);
  const [h] = await rows<{ horizon: number | null }>(pool, 'SELECT horizon FROM collector_state WHERE id = 1');
  const lo = hours[0]!.hourStart;
  const hi = hours[hours.length - 1]!.hourEnd;
  expect((await readActivity(pool, lo, hi)).map(withoutCalls), label).toEqual(referenceActivity(events, hours, h!.horizon));
}

async function marks(pool: Pool): Promise<number[]> {
  return (await rows<{ at_ts: number }>(pool, 'SELECT at_ts FROM agent_state_marks ORDER BY at_ts')).map((m) => Number(m.at_ts));
}

/** Every marked instant's checkpoint rows equal the model's flags at that instant. */
async function expectCheckpoints(pool: Pool, label: string): Promise<number> {
  const events = await readEvents(pool);
  let checked = 0;
  for (const at of await marks(pool)) {
    const stored = await rows<{ ext: string; flags: number; na_ts: number | null; na_seq: number | null }>(
      pool,
      'SELECT ext, flags, na_ts, na_seq FROM agent_state_checkpoints WHERE at_ts = ? ORDER BY ext',
      [at],
    );
    expect(
      stored.map((s) => ({ ext: s.ext, flags: Number(s.flags), naTs: s.na_ts === null ? null : Number(s.na_ts), naSeq: s.na_seq === null ? null : Number(s.na_seq) })),
      `${label}: checkpoint at ${at}`,
    ).toEqual(referenceFlagsAt(events, at));
    checked++;
  }
  return checked;
}

describe('state checkpoints', () => {
  const db = useTestDatabase('transform-checkpoints', 'Asia/Dubai');

  it('hold the model’s flags at every marked instant, and a later hour started from one gives the model’s figures', async () => {
    const { pool } = db();
    for (const seed of [11, 12, 13]) {
      await clearData(pool);
      await insertEvents(pool, timeline(seed));
      await setHorizon(pool, TO);
      await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO]);
      const hours = await hoursBetween(pool, FROM, TO);
      await expectModel(pool, hours, `seed ${seed}: range`);
      // every hour start of the range and its end are marked
      expect(await marks(pool), `seed ${seed}`).toEqual([...hours.map((h) => h.hourStart), TO]);
      expect(await expectCheckpoints(pool, `seed ${seed}`)).toBe(HOURS + 1);
      // an hour on its own, from the checkpoint at its start
      const h = hours[int(rng(seed), 5, HOURS - 1)]!;
      await pool.query('DELETE FROM agent_activity WHERE hour_start = ?', [h.hourStart]);
      await pool.query('CALL sp_aggregate_hour(?)', [await localStartOf(pool, h.hourStart)]);
      await expectModel(pool, hours, `seed ${seed}: hour ${h.hourStart} again`);
    }
  });

  it('re-aggregating an unchanged hour keeps the later checkpoints; a change that reaches the hour’s end drops them', async () => {
    const { pool } = db();
    await clearData(pool);
    await insertEvents(pool, timeline(21));
    await setHorizon(pool, TO);
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO]);
    const all = await marks(pool);
    const h5 = FROM + 5 * 3600;
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [h5, h5 + 3600]);
    expect(await marks(pool)).toEqual(all);
    // an agent goes on lunch in hour 5 and stays there: the state at its end changes
    await pool.query("DELETE FROM agent_events WHERE ext = '5000' AND ts = ?", [h5 + 1800]);
    await insertEvents(pool, [{ ext: '5000', ts: h5 + 1800, seq: 0, event: 'agent_not_avail_state', enabled: true, state: 'Lunch' }]);
    await pool.query("DELETE FROM agent_events WHERE ext = '5000' AND ts > ? AND event = 'agent_not_avail_state'", [h5 + 1800]);
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [h5, h5 + 3600]);
    expect(await marks(pool)).toEqual(all.filter((m) => m <= h5 + 3600));
    // the loader aggregates from the change to the horizon: everything agrees again
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [h5, TO]);
    expect(await marks(pool)).toEqual(all);
    await expectModel(pool, await hoursBetween(pool, FROM, TO), 'after the change');
    expect(await expectCheckpoints(pool, 'after the change')).toBe(HOURS + 1);
  });

  it('events loaded into the past, then aggregated from there on, give the model’s figures in every later hour', async () => {
    const { pool } = db();
    for (const seed of [31, 32]) {
      await clearData(pool);
      const first = timeline(seed);
      await insertEvents(pool, first);
      await setHorizon(pool, TO);
      await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO]);
      // a backfill: new seconds in hours 8-9 (including flags left on for hours)
      const r = rng(seed * 3);
      const taken = new Set(first.map((e) => `${e.ext}:${e.ts}`));
      const extra: RefEvent[] = [];
      for (let a = 0; a < 8; a++) {
        const ext = String(5000 + a);
        for (const e of randomAgentTimeline(r, ext, FROM + 8 * 3600, FROM + 10 * 3600)) if (!taken.has(`${ext}:${e.ts}`)) extra.push(e);
      }
      expect(extra.length).toBeGreaterThan(10);
      await insertEvents(pool, extra);
      await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM + 8 * 3600, TO]);
      await expectModel(pool, await hoursBetween(pool, FROM, TO), `seed ${seed}: after the backfill`);
      await expectCheckpoints(pool, `seed ${seed}: after the backfill`);
      // and any later hour on its own
      const h = FROM + int(r, 11, HOURS - 1) * 3600;
      await pool.query('CALL sp_aggregate_hour(?)', [await localStartOf(pool, h)]);
      await expectModel(pool, await hoursBetween(pool, FROM, TO), `seed ${seed}: hour ${h} after the backfill`);
    }
  });

  it('events emptied and loaded again with other data are not read through the old checkpoints', async () => {
    const { pool } = db();
    await clearData(pool);
    await insertEvents(pool, timeline(41));
    await setHorizon(pool, TO);
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO]);
    const h = FROM + 12 * 3600;
    const before = await rows<{ t: number }>(pool, 'SELECT MAX(ts) AS t FROM agent_events WHERE ts < ?', [h]);
    // as a wipe does: events gone, checkpoints left behind
    await pool.query('DELETE FROM agent_events');
    await insertEvents(pool, timeline(42));
    const after = await rows<{ t: number }>(pool, 'SELECT MAX(ts) AS t FROM agent_events WHERE ts < ?', [h]);
    expect(after[0]!.t).not.toBe(before[0]!.t); // the mark at h no longer matches
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [h, TO]);
    await expectModel(pool, await hoursBetween(pool, h, TO), 'other data from hour 12');
  });
});
