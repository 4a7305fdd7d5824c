// Loads upstream payloads through the real normaliser and loader, for tests of every part
// (the worked example of rules §6, hand-made timelines). No aggregation: callers run theirs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import { normalizeEvents, normalizeStats } from '../../src/upstream/normalize.ts';
import { loadEvents } from '../../src/load/events.ts';
import { replaceSlotStats } from '../../src/load/stats.ts';
import { insertRejected } from '../../src/load/rejected.ts';
import { advanceHorizon, recordWindow } from '../../src/load/horizon.ts';
import { withTransaction } from '../../src/load/transaction.ts';

/**
 * Records [fromTs, toTs) as a successfully loaded window (rules §3 loaded time) and moves
 * the horizon to its end if later, as the loader does for a window it loaded.
 */
export async function markLoaded(pool: Pool, fromTs: number, toTs: number): Promise<void> {
  await withTransaction(pool, async (conn) => {
    await recordWindow(conn, { fromTs, toTs, source: 'backfill', events: 0, statsRows: 0, rejected: 0, splits: 0 });
    await advanceHorizon(conn, toTs);
  });
}

/**
 * Loads an events response ({"events": [...]} or a bare array) and moves the horizon to
 * `horizonTs` (null leaves it alone). Returns the counts. Loaded time is the caller's
 * (markLoaded).
 */
export async function loadFixtureEvents(pool: Pool, payload: unknown, horizonTs: number | null): Promise<{ events: number; rejected: number }> {
  const { events, rejected } = normalizeEvents(payload);
  return withTransaction(pool, async (conn) => {
    await loadEvents(conn, events);
    await insertRejected(conn, rejected, null, horizonTs);
    if (horizonTs !== null) await advanceHorizon(conn, horizonTs);
    return { events: events.length, rejected: rejected.length };
  });
}

/**
 * Loads stats responses keyed by "<startDate>-<endDate>" (epoch seconds), as in
 * fixtures/worked-example/v2/stats.json; other keys (such as "_comment") are skipped. Each
 * response replaces the 15-minute slot that contains its startDate, fetched up to endDate.
 */
export async function loadFixtureStats(pool: Pool, statsByRange: Record<string, unknown>): Promise<{ rows: number; rejected: number }> {
  let rows = 0;
  let rejectedCount = 0;
  for (const [key, payload] of Object.entries(statsByRange)) {
    const m = /^(\d+)-(\d+)$/.exec(key);
    if (!m) continue;
    const from = Number(m[1]);
    const to = Number(m[2]);
    const { stats, rejected } = normalizeStats(payload);
    await withTransaction(pool, async (conn) => {
      const [found] = await conn.query('SELECT slot_start, hour_start FROM report_slots WHERE slot_start <= ? AND slot_end > ?', [from, from]);
      const slot = (found as { slot_start: number; hour_start: number }[])[0];
      if (!slot) throw new Error(`no report slot holds ${from}: is the calendar filled?`);
      rows += await replaceSlotStats(conn, { slotStart: Number(slot.slot_start), hourStart: Number(slot.hour_start) }, to, stats);
      rejectedCount += rejected.length;
      await insertRejected(conn, rejected, from, to);
    });
  }
  return { rows, rejected: rejectedCount };
}

/** 2025-09-07 08:00-11:00 in Asia/Dubai: the worked example's one loaded window (rules §6). */
const WORKED_EXAMPLE_WINDOW = { from: 1757217600, to: 1757228400 };

/**
 * The worked example (rules §6) loaded through the real loader (as one window, or `loaded`), with
 * `extraEvents` (other agents' events of the same window) beside it, and aggregated.
 * `fixture` is the worked-example folder.
 */
export async function loadWorkedExample(
  pool: Pool,
  fixture: string,
  extraEvents: unknown[] = [],
  loaded: [number, number][] = [[WORKED_EXAMPLE_WINDOW.from, WORKED_EXAMPLE_WINDOW.to]],
): Promise<void> {
  await loadFixtureEvents(pool, JSON.parse(readFileSync(join(fixture, 'events.json'), 'utf8')), null);
  if (extraEvents.length > 0) await loadFixtureEvents(pool, { events: extraEvents }, null);
  await loadFixtureStats(pool, JSON.parse(readFileSync(join(fixture, 'v2', 'stats.json'), 'utf8')) as Record<string, unknown>);
  for (const [from, to] of loaded) await markLoaded(pool, from, to);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
}
