// The report calendar (rules §4): REPORT_TZ's wall-clock hours and their 15-minute slots
// as UTC epoch ranges, computed with luxon's zone rules and stored in report_hours and
// report_slots, so that SQL never needs the server's time-zone tables.
import { DateTime, IANAZone } from 'luxon';
import type { Connection } from 'mysql2/promise';
import { one, select, type Db } from './query.ts';

export interface ReportHour {
  hourStart: number; // UTC epoch seconds
  hourEnd: number;
  localStart: string; // 'YYYY-MM-DD HH:MM:SS'
  localEnd: string;
  /** The hour's quarter-hour slots, in order (four, unless a zone shifts by half an hour). */
  slots: { slotStart: number; slotEnd: number; localStart: string; localEnd: string }[];
}

/** A slot is a quarter of an hour of wall clock: every real zone's offset is a multiple of it. */
const SLOT_SECONDS = 900;

type Wall = (epoch: number) => number;

/**
 * Wall-clock seconds (as if UTC) at an instant in `zone`. Asking Intl for every hour of
 * decades is slow, so a UTC day whose two ends share an offset is taken as constant.
 */
function wallClock(zone: IANAZone): Wall {
  const exact = (epoch: number) => zone.offset(epoch * 1000) * 60;
  const days = new Map<number, number | null>();
  return (epoch) => {
    const day = Math.floor(epoch / 86400);
    let off = days.get(day);
    if (off === undefined) {
      const a = exact(day * 86400);
      off = a === exact(day * 86400 + 86400) ? a : null;
      days.set(day, off);
    }
    return epoch + (off ?? exact(epoch));
  };
}

function sqlDatetime(wallSeconds: number): string {
  return new Date(wallSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The first instant at or after `epoch` whose wall clock is on the hour. */
function nextHourStart(wall: Wall, epoch: number): number {
  let t = epoch;
  for (let i = 0; i < 4; i++) {
    const rem = ((wall(t) % 3600) + 3600) % 3600;
    if (rem === 0) return t;
    t += 3600 - rem; // right unless the offset changes in between; then look again
  }
  return t;
}

/** Report hours whose start lies in [fromEpoch, toEpoch). */
export function* reportHours(tz: string, fromEpoch: number, toEpoch: number): Generator<ReportHour> {
  const wall = wallClock(IANAZone.create(tz));
  let start = nextHourStart(wall, fromEpoch);
  while (start < toEpoch) {
    let end = nextHourStart(wall, start + 3600);
    // A half-hour shift (Lord Howe) would otherwise stretch an hour past 90 minutes.
    if (end - start > 5400) end = start + 3600;
    const slots = [];
    for (let s = start; s < end; s += SLOT_SECONDS) {
      const e = Math.min(s + SLOT_SECONDS, end);
      slots.push({ slotStart: s, slotEnd: e, localStart: sqlDatetime(wall(s)), localEnd: sqlDatetime(wall(e)) });
    }
    yield { hourStart: start, hourEnd: end, localStart: sqlDatetime(wall(start)), localEnd: sqlDatetime(wall(end)), slots };
    start = end;
  }
}

/** Epoch seconds of local midnight starting `isoDate` (YYYY-MM-DD) in `tz`. */
export function localMidnight(isoDate: string, tz: string): number {
  return Math.floor(DateTime.fromISO(isoDate, { zone: tz }).startOf('day').toSeconds());
}

async function insertHours(conn: Connection, tz: string, fromEpoch: number, toEpoch: number): Promise<number> {
  let batch: (string | number)[][] = [];
  let slots: (string | number)[][] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await conn.query('INSERT IGNORE INTO report_hours (hour_start, hour_end, local_start, local_end) VALUES ?', [batch]);
    await conn.query('INSERT IGNORE INTO report_slots (slot_start, slot_end, hour_start, local_start, local_end) VALUES ?', [slots]);
    count += batch.length;
    batch = [];
    slots = [];
  };
  for (const h of reportHours(tz, fromEpoch, toEpoch)) {
    batch.push([h.hourStart, h.hourEnd, h.localStart, h.localEnd]);
    for (const s of h.slots) slots.push([s.slotStart, s.slotEnd, h.hourStart, s.localStart, s.localEnd]);
    if (batch.length >= 5000) await flush();
  }
  await flush();
  return count;
}

/** Replaces report_hours and report_slots with those of [fromDate, toDate) local. Returns the hours. */
export async function fillCalendar(conn: Connection, tz: string, fromDate: string, toDate: string): Promise<number> {
  await conn.query('DELETE FROM report_hours');
  await conn.query('DELETE FROM report_slots');
  return insertHours(conn, tz, localMidnight(fromDate, tz), localMidnight(toDate, tz));
}

/** Fills report_slots for report hours that have none (a calendar made before slots existed). */
export async function fillMissingSlots(conn: Connection, tz: string): Promise<void> {
  const { lo, hi } = (await one<{ lo: number | null; hi: number | null }>(
    conn,
    'SELECT MIN(h.hour_start) AS lo, MAX(h.hour_end) AS hi FROM report_hours h LEFT JOIN report_slots s ON s.slot_start = h.hour_start WHERE s.slot_start IS NULL',
  ))!;
  if (lo !== null && hi !== null) await insertHours(conn, tz, Number(lo), Number(hi));
}

/**
 * Makes sure report_hours covers [fromEpoch, toEpoch), extending it by whole local days
 * when a load reaches outside the range migrate filled. Returns the hours added.
 */
export async function ensureCalendar(conn: Connection, tz: string, fromEpoch: number, toEpoch: number): Promise<number> {
  const { lo, hi } = (await one<{ lo: number | null; hi: number | null }>(conn, 'SELECT MIN(hour_start) AS lo, MAX(hour_end) AS hi FROM report_hours'))!;
  if (lo === null || hi === null) return insertHours(conn, tz, fromEpoch - 86400, toEpoch + 86400);
  let added = 0;
  if (fromEpoch < lo) added += await insertHours(conn, tz, fromEpoch - 86400, lo);
  if (toEpoch > hi) added += await insertHours(conn, tz, hi, toEpoch + 86400);
  return added;
}

const CALENDAR_KEYS = { report_hours: ['hour_start', 'hour_end'], report_slots: ['slot_start', 'slot_end'] } as const;

/**
 * The condition, and its values, for the rows of report_hours or report_slots that overlap
 * [fromTs, toTs). Rows follow one another without overlapping, so none that starts before
 * the last one starting at or before fromTs can reach past fromTs. Said as a lower bound on
 * the primary key, that keeps the search to the range's own rows: `end > from AND start <
 * to` alone reads the calendar from one end up to the range (tens of thousands of rows, a
 * few ms, on every backfill's and collector run's start).
 */
export function overlapping(table: keyof typeof CALENDAR_KEYS, fromTs: number, toTs: number): { where: string; values: number[] } {
  const [start, end] = CALENDAR_KEYS[table];
  return {
    where: `${end} > ? AND ${start} < ? AND ${start} >= (SELECT COALESCE(MAX(${start}), ?) FROM ${table} WHERE ${start} <= ?)`,
    values: [fromTs, toTs, fromTs, fromTs],
  };
}

/** The stored report hours overlapping [fromTs, toTs), in order (the calendar must cover them). */
export async function storedHours(db: Db, fromTs: number, toTs: number): Promise<{ hourStart: number; hourEnd: number }[]> {
  const { where, values } = overlapping('report_hours', fromTs, toTs);
  const rows = await select<{ hour_start: number; hour_end: number }>(db, `SELECT hour_start, hour_end FROM report_hours WHERE ${where} ORDER BY hour_start`, values);
  return rows.map((r) => ({ hourStart: Number(r.hour_start), hourEnd: Number(r.hour_end) }));
}
