// The named ranges of a scheduled report, as local dates of REPORT_TZ: worked out on the
// calendar (luxon, in the zone), never by subtracting hours, so a 23- or 25-hour day is
// one day. The instants come later, from the report's own parser, as for GET /api/report.
import { DateTime } from 'luxon';

export const RANGES = ['yesterday', 'last-7-days', 'last-week', 'month-to-date', 'last-month'] as const;
export type RangeName = (typeof RANGES)[number];

/** A range as the report's parameters say it: [startDate 00:00, endDate endTime). */
export interface LocalRange {
  startDate: string;
  endDate: string;
  /** Only month-to-date ends at a time other than midnight. */
  endTime?: string;
}

/** The range is empty at this moment (month-to-date in the first hour of a month). */
export class EmptyRangeError extends Error {}

/**
 * The range `name` for a run at `atMs` in `tz`: the whole local days before today
 * (yesterday, the 7 days before today, last Monday-Sunday week, last calendar month), or
 * month-to-date: from the 1st, 00:00, to the start of the current local hour.
 */
export function localRange(name: RangeName, atMs: number, tz: string): LocalRange {
  const now = DateTime.fromMillis(atMs, { zone: tz });
  const today = now.startOf('day');
  const d = (x: DateTime) => x.toISODate()!;
  switch (name) {
    case 'yesterday':
      return { startDate: d(today.minus({ days: 1 })), endDate: d(today) };
    case 'last-7-days':
      return { startDate: d(today.minus({ days: 7 })), endDate: d(today) };
    case 'last-week': {
      const monday = today.startOf('week'); // ISO weeks: Monday first
      return { startDate: d(monday.minus({ weeks: 1 })), endDate: d(monday) };
    }
    case 'last-month': {
      const first = today.startOf('month');
      return { startDate: d(first.minus({ months: 1 })), endDate: d(first) };
    }
    case 'month-to-date': {
      const first = today.startOf('month');
      const hour = now.startOf('hour');
      if (hour <= first) throw new EmptyRangeError(`month-to-date is empty at ${now.toFormat('yyyy-MM-dd HH:mm')} (${tz}): the month has no whole hour yet`);
      const endTime = hour.toFormat('HH:mm:ss');
      return endTime === '00:00:00' ? { startDate: d(first), endDate: d(hour) } : { startDate: d(first), endDate: d(hour), endTime };
    }
  }
}

/** "2025-09-07 00:00 to 2025-09-08 00:00", for mail bodies, logs and history. */
export function rangeLabel(r: LocalRange): string {
  return `${r.startDate} 00:00 to ${r.endDate} ${(r.endTime ?? '00:00:00').slice(0, 5)}`;
}
