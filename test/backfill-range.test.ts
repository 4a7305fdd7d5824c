import { describe, it, expect } from 'vitest';
import { backfillRange, parseLocal } from '../src/backfill/range.ts';
import { splitWindows } from '../src/ingest/windows.ts';
import { reportHours } from '../src/db/calendar.ts';
import { UsageError } from '../src/usage-error.ts';

const NOW = Date.UTC(2025, 8, 10, 12, 34, 56) / 1000;
const flags = (o: Record<string, string>) => new Map(Object.entries(o));

describe('backfill range', () => {
  it('reads --from/--to as REPORT_TZ local time', () => {
    expect(parseLocal('2025-09-07 00:00', 'Asia/Dubai', 'from')).toBe(Date.UTC(2025, 8, 6, 20) / 1000);
    expect(parseLocal('2025-09-07', 'Asia/Kolkata', 'from')).toBe(Date.UTC(2025, 8, 6, 18, 30) / 1000);
    expect(parseLocal('2025-09-07 09:30:15', 'Europe/London', 'to')).toBe(Date.UTC(2025, 8, 7, 8, 30, 15) / 1000);
    expect(parseLocal('2025-09-07T09:30', 'UTC', 'to')).toBe(Date.UTC(2025, 8, 7, 9, 30) / 1000);
    expect(() => parseLocal('07/09/2025', 'UTC', 'from')).toThrow(/--from "07\/09\/2025" is not a local date-time: write it like "2025-09-07 00:00"/);
    expect(() => parseLocal('2025-02-30 00:00', 'UTC', 'to')).toThrow(UsageError);
  });

  it('defaults to the last 48 hours, --hours N to the last N, cut at now', () => {
    expect(backfillRange(flags({}), 'UTC', NOW)).toEqual({ fromTs: NOW - 48 * 3600, toTs: NOW });
    expect(backfillRange(flags({ hours: '5' }), 'UTC', NOW)).toEqual({ fromTs: NOW - 5 * 3600, toTs: NOW });
    expect(backfillRange(flags({ from: '2025-09-10 00:00' }), 'UTC', NOW)).toEqual({ fromTs: Date.UTC(2025, 8, 10) / 1000, toTs: NOW });
    expect(backfillRange(flags({ from: '2025-09-10 00:00', to: '2025-09-11 00:00' }), 'UTC', NOW)).toEqual({
      fromTs: Date.UTC(2025, 8, 10) / 1000,
      toTs: NOW,
      note: 'the range ends in the future: loading up to now',
    });
  });

  it('refuses what makes no sense, saying what to fix', () => {
    expect(() => backfillRange(flags({ hours: '0' }), 'UTC', NOW)).toThrow(/--hours "0": give a whole number of hours/);
    expect(() => backfillRange(flags({ hours: '2', from: '2025-09-01' }), 'UTC', NOW)).toThrow(/either --hours or --from\/--to/);
    expect(() => backfillRange(flags({ to: '2025-09-01' }), 'UTC', NOW)).toThrow(/--to needs --from/);
    expect(() => backfillRange(flags({ from: '2025-09-02', to: '2025-09-01' }), 'UTC', NOW)).toThrow(/the range is empty/);
    expect(() => backfillRange(flags({ from: '2025-09-11' }), 'UTC', NOW)).toThrow(/--from is in the future/);
  });

  it('cuts windows at report-hour starts (23 or 25 hours on DST days)', () => {
    const tz = 'Europe/London';
    const from = parseLocal('2025-10-26 00:00', tz, 'from');
    const to = parseLocal('2025-10-27 00:00', tz, 'to');
    const hours = [...reportHours(tz, from - 3600, to + 3600)];
    const w = splitWindows(hours, from, to, 1);
    expect(w).toHaveLength(25);
    expect(w.every(([a, b]) => b - a === 3600)).toBe(true);
    expect(w[0]![0]).toBe(from);
    expect(w[24]![1]).toBe(to);
    // a range starting and ending mid-hour: partial first and last windows
    const mid = splitWindows(hours, from + 1800, from + 3 * 3600 + 60, 1);
    expect(mid).toEqual([[from + 1800, from + 3600], [from + 3600, from + 7200], [from + 7200, from + 3 * 3600], [from + 3 * 3600, from + 3 * 3600 + 60]]);
    // collector catch-up: up to 3 hours a window
    expect(splitWindows(hours, from + 1800, from + 7 * 3600, 3)).toEqual([[from + 1800, from + 3 * 3600], [from + 3 * 3600, from + 6 * 3600], [from + 6 * 3600, from + 7 * 3600]]);
  });
});
