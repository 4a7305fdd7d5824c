// Loads one window [fromTs, toTs): its events, and the stats of every 15-minute slot it
// touches, each fetched for [slot start, min(slot end, end of the loaded data)) (rules §4).
// Everything is fetched first; then one transaction writes events, agents, stats, rejected
// records, the loaded window, the horizon and the pending-aggregation mark, or nothing.
import type { Pool } from 'mysql2/promise';
import type { Upstream } from '../upstream/client.ts';
import type { FetchLog } from '../upstream/fetch-log.ts';
import { ensureCalendar, overlapping, storedHours } from '../db/calendar.ts';
import { select } from '../db/query.ts';
import { insertEvents, upsertEventAgents } from '../load/events.ts';
import { replaceStatsRows, upsertStatsNames } from '../load/stats.ts';
import { insertRejected } from '../load/rejected.ts';
import { advanceHorizon, forgetMarksIfLoadedTimeChanges, recordWindow } from '../load/horizon.ts';
import { readHorizon } from '../db/horizon.ts';
import { markPending } from '../load/pending.ts';
import { withTransaction } from '../load/transaction.ts';

export interface WindowContext {
  pool: Pool;
  upstream: Upstream;
  reportTz: string;
  fetchLog: FetchLog;
  source: 'collector' | 'backfill';
  signal?: AbortSignal;
  /** The calendar of a range holding the window, read once for all its windows. */
  calendar?: Calendar;
  /** Resolves when the window may write (its days' partitions are ready); it may fetch meanwhile. */
  writable?: Promise<unknown>;
}

export interface WindowResult {
  fromTs: number;
  toTs: number;
  events: number;
  statsRows: number;
  /** Records rejected in this window (new or seen before). */
  rejected: number;
  splits: number;
  requests: number;
  hours: number;
  horizon: number;
  /** Time spent fetching, then in the load transaction, then in all. */
  fetchMs: number;
  loadMs: number;
  ms: number;
}

export interface Hour {
  hourStart: number;
  hourEnd: number;
}

export interface Slot {
  slotStart: number;
  slotEnd: number;
  hourStart: number;
}

/** The report hours and 15-minute slots of a range, [fromTs, toTs). */
export interface Calendar {
  fromTs: number;
  toTs: number;
  hours: Hour[];
  slots: Slot[];
}

/** The 15-minute slots overlapping [fromTs, toTs) (the calendar must cover them). */
async function slotsOverlapping(pool: Pool, fromTs: number, toTs: number): Promise<Slot[]> {
  const { where, values } = overlapping('report_slots', fromTs, toTs);
  const rows = await select<{ slot_start: number; slot_end: number; hour_start: number }>(
    pool,
    `SELECT slot_start, slot_end, hour_start FROM report_slots WHERE ${where} ORDER BY slot_start`,
    values,
  );
  return rows.map((r) => ({ slotStart: Number(r.slot_start), slotEnd: Number(r.slot_end), hourStart: Number(r.hour_start) }));
}

/** The report hours overlapping [fromTs, toTs), extending the calendar when needed. */
export async function hoursOverlapping(pool: Pool, reportTz: string, fromTs: number, toTs: number): Promise<Hour[]> {
  const conn = await pool.getConnection();
  try {
    await ensureCalendar(conn, reportTz, fromTs, toTs);
  } finally {
    conn.release();
  }
  return storedHours(pool, fromTs, toTs);
}

/** The calendar of [fromTs, toTs), extending the stored one when needed. */
export async function calendarOf(pool: Pool, reportTz: string, fromTs: number, toTs: number): Promise<Calendar> {
  const hours = await hoursOverlapping(pool, reportTz, fromTs, toTs);
  return { fromTs, toTs, hours, slots: await slotsOverlapping(pool, fromTs, toTs) };
}

/** The part of `cal` overlapping [fromTs, toTs); undefined when `cal` does not cover it. */
function within(cal: Calendar | undefined, fromTs: number, toTs: number): Calendar | undefined {
  if (cal === undefined || fromTs < cal.fromTs || toTs > cal.toTs) return undefined;
  return {
    fromTs,
    toTs,
    hours: cal.hours.filter((h) => h.hourEnd > fromTs && h.hourStart < toTs),
    slots: cal.slots.filter((s) => s.slotEnd > fromTs && s.slotStart < toTs),
  };
}

export async function loadWindow(ctx: WindowContext, fromTs: number, toTs: number): Promise<WindowResult> {
  const started = Date.now();
  const { hours, slots } = within(ctx.calendar, fromTs, toTs) ?? (await calendarOf(ctx.pool, ctx.reportTz, fromTs, toTs));
  // A slot's stats are replaced whole (rules §4), so they are fetched up to where data is
  // loaded: the window's end, or the horizon when that is later. A backfill ending inside
  // a slot that was loaded completely before then keeps that slot's complete stats.
  const horizonBefore = await readHorizon(ctx.pool);
  const loadedTo = Math.max(toTs, horizonBefore ?? toTs);
  const statsTo = slots.map((s) => Math.min(s.slotEnd, loadedTo));
  const call = { fetchLog: ctx.fetchLog, signal: ctx.signal };
  try {
    const [ev, ...stats] = await Promise.all([
      ctx.upstream.fetchEvents(fromTs, toTs, call),
      ...slots.map((s, i) => ctx.upstream.fetchStats(s.slotStart, statsTo[i]!, call)),
    ]);
    // Stopping (SIGTERM) before the transaction: the window is simply not loaded.
    ctx.signal?.throwIfAborted();
    const fetched = Date.now();
    const rejected = [...ev.rejected, ...stats.flatMap((s) => s.rejected)];
    await ctx.writable;
    ctx.signal?.throwIfAborted();
    return await withTransaction(ctx.pool, async (conn) => {
      const slotStats = slots.map((slot, i) => ({ slot, fetchedTo: statsTo[i]!, stats: stats[i]!.stats }));
      // The window's own rows first: windows loading at once write them side by side.
      await insertEvents(conn, ev.events);
      const statsRows = await replaceStatsRows(conn, slotStats);
      await insertRejected(conn, rejected, fromTs, toTs);
      // Then the rows every window shares (agents, the horizon), held locked until the
      // commit: the part where windows take turns is kept short.
      await upsertEventAgents(conn, ev.events);
      await upsertStatsNames(conn, slotStats);
      const horizon = await advanceHorizon(conn, toTs);
      // (after advanceHorizon: its row lock makes windows record their time one at a time)
      await forgetMarksIfLoadedTimeChanges(conn, fromTs, toTs, horizon.previous);
      await recordWindow(conn, { fromTs, toTs, source: ctx.source, events: ev.events.length, statsRows, rejected: rejected.length, splits: ev.splits });
      // What the next aggregation must cover: the hours touched, and every later hour up to
      // the horizon (their carried-in state may change); if the horizon moved, the hours it
      // newly counts too.
      const earliest = Math.min(hours[0]?.hourStart ?? fromTs, horizon.previous !== null && horizon.previous < horizon.current ? horizon.previous : fromTs);
      await markPending(conn, earliest, Math.max(toTs, horizon.current));
      return {
        fromTs,
        toTs,
        events: ev.events.length,
        statsRows,
        rejected: rejected.length,
        splits: ev.splits,
        requests: ev.requests + slots.length,
        hours: hours.length,
        horizon: horizon.current,
        fetchMs: fetched - started,
        loadMs: Date.now() - fetched,
        ms: Date.now() - started,
      };
    });
  } finally {
    await ctx.fetchLog.flush();
  }
}
