// The report request (rules §5) without a database: ranges in REPORT_TZ, DST, limits,
// and the formatting helpers. Expected instants are written out by hand from the zones'
// published rules, not computed by the code under test.
import { describe, expect, it } from 'vitest';
import { ParamError, parseReportParams, reportFilename } from '../src/report/params.ts';
import { dateTime, hms, hundredths, interval, safeName, shortDate } from '../src/report/format.ts';

const utc = (iso: string) => Date.parse(iso) / 1000;
const parse = (query: string, tz = 'Asia/Dubai', maxDays = 93) => parseReportParams(new URLSearchParams(query).entries(), tz, maxDays);
const error = (query: string, tz = 'Asia/Dubai', maxDays = 93): string => {
  try {
    parse(query, tz, maxDays);
  } catch (err) {
    expect(err).toBeInstanceOf(ParamError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${query}`);
};

describe('report range', () => {
  it('reads the worked example in Asia/Dubai (UTC+4)', () => {
    const p = parse('startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=11:00:00');
    expect([p.from, p.to]).toEqual([utc('2025-09-07T05:00:00Z'), utc('2025-09-07T07:00:00Z')]);
    expect(p.bom).toBe(true);
    expect(p.durations).toBe('hms');
    expect(p.exts).toBeUndefined();
    expect(reportFilename(p)).toBe('report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv');
  });

  it('takes endDate alone as exclusive: endDate=D ends at D 00:00', () => {
    const p = parse('startDate=2025-09-07&endDate=2025-09-10');
    expect([p.from, p.to]).toEqual([utc('2025-09-06T20:00:00Z'), utc('2025-09-09T20:00:00Z')]);
    expect(reportFilename(p)).toBe('report_2025-09-07_to_2025-09-10.csv');
    expect(error('startDate=2025-09-07&endDate=2025-09-07')).toMatch(/end must be after the start/);
  });

  it('runs to the same local time next day without endDate', () => {
    const p = parse('startDate=2025-09-07&startTime=09:00:00');
    expect(p.to - p.from).toBe(86400);
    expect(reportFilename(p)).toBe('report_2025-09-07T09-00-00_to_2025-09-08T09-00-00.csv');
    expect(reportFilename(parse('startDate=2025-12-31'))).toBe('report_2025-12-31_to_2026-01-01.csv');
  });

  it('uses the zone: Asia/Kolkata days start at 18:30 UTC', () => {
    const p = parse('startDate=2025-09-07', 'Asia/Kolkata');
    expect([p.from, p.to]).toEqual([utc('2025-09-06T18:30:00Z'), utc('2025-09-07T18:30:00Z')]);
  });

  it('gives 23 and 25 hours for a whole DST day in Europe/London', () => {
    const spring = parse('startDate=2025-03-30', 'Europe/London');
    expect([spring.from, spring.to]).toEqual([utc('2025-03-30T00:00:00Z'), utc('2025-03-30T23:00:00Z')]);
    const fall = parse('startDate=2025-10-26', 'Europe/London');
    expect([fall.from, fall.to]).toEqual([utc('2025-10-25T23:00:00Z'), utc('2025-10-27T00:00:00Z')]);
  });

  it('moves a time inside the spring-forward gap to the first instant after it', () => {
    // London 2025-03-30: 01:00 GMT jumps to 02:00 BST (01:00 UTC); 01:30 does not exist.
    const p = parse('startDate=2025-03-30&startTime=01:30:00&endDate=2025-03-30&endTime=03:00:00', 'Europe/London');
    expect(p.from).toBe(utc('2025-03-30T01:00:00Z'));
    expect(p.to).toBe(utc('2025-03-30T02:00:00Z'));
    // New York 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    expect(parse('startDate=2025-03-09&startTime=02:59:59', 'America/New_York').from).toBe(utc('2025-03-09T07:00:00Z'));
    // Lord Howe: a half-hour gap, 02:00 to 02:30 local (15:00 UTC the day before).
    expect(parse('startDate=2025-10-05&startTime=02:10:00', 'Australia/Lord_Howe').from).toBe(utc('2025-10-04T15:30:00Z'));
    // A range that lies wholly inside the gap is empty, so refused.
    expect(error('startDate=2025-03-30&startTime=01:10:00&endDate=2025-03-30&endTime=01:50:00', 'Europe/London')).toMatch(/end must be after/);
  });

  it('takes the earlier of a time that exists twice', () => {
    // London 2025-10-26: 02:00 BST falls back to 01:00 GMT; 01:30 happens at 00:30 and 01:30 UTC.
    expect(parse('startDate=2025-10-26&startTime=01:30:00', 'Europe/London').from).toBe(utc('2025-10-26T00:30:00Z'));
    expect(parse('startDate=2025-10-26&startTime=01:00:00', 'Europe/London').from).toBe(utc('2025-10-26T00:00:00Z'));
    expect(parse('startDate=2025-10-26&startTime=02:00:00', 'Europe/London').from).toBe(utc('2025-10-26T02:00:00Z'));
    // Lord Howe falls back half an hour: 01:45 happens at 14:45 and 15:15 UTC.
    expect(parse('startDate=2025-04-06&startTime=01:45:00', 'Australia/Lord_Howe').from).toBe(utc('2025-04-05T14:45:00Z'));
  });

  it('limits the range to REPORT_MAX_DAYS days of wall clock, DST days counting as one', () => {
    expect(parse('startDate=2025-01-01&endDate=2025-04-04').to).toBe(utc('2025-04-03T20:00:00Z')); // 93 days
    expect(error('startDate=2025-01-01&endDate=2025-04-04&endTime=00:00:01')).toMatch(/spans 94 days; at most 93 \(REPORT_MAX_DAYS\)/);
    expect(error('startDate=2025-01-01&endDate=2025-04-05')).toMatch(/spans 94 days/);
    // 93 days across the London spring change (one 23-hour day) are still 93 days.
    expect(parse('startDate=2025-03-01&endDate=2025-06-02', 'Europe/London').to).toBe(utc('2025-06-01T23:00:00Z'));
    expect(error('startDate=2025-03-01&endDate=2025-03-03', 'Europe/London', 1)).toMatch(/spans 2 days; at most 1/);
    expect(parse('startDate=2025-10-26', 'Europe/London', 1).to - parse('startDate=2025-10-26', 'Europe/London', 1).from).toBe(25 * 3600);
  });

  it('reads ext, bom and durations', () => {
    const p = parse('startDate=2025-09-07&ext=4101,A-7_b.2,0042&bom=0&durations=seconds');
    expect(p.exts).toEqual(['4101', 'A-7_b.2', '0042']);
    expect(p.bom).toBe(false);
    expect(p.durations).toBe('seconds');
    expect(parse('startDate=2025-09-07&bom=1&durations=hms').bom).toBe(true);
  });

  it('accepts leap days and refuses dates that do not exist', () => {
    expect(parse('startDate=2024-02-29').from).toBe(utc('2024-02-28T20:00:00Z'));
    expect(parse('startDate=2000-02-29').from).toBe(utc('2000-02-28T20:00:00Z'));
    expect(error('startDate=2025-02-29')).toMatch(/not a real calendar date/);
    expect(error('startDate=1900-02-29')).toMatch(/not a real calendar date/);
  });
});

describe('formatting', () => {
  it('prints durations with at least two hour digits', () => {
    expect(hms(0)).toBe('00:00:00');
    expect(hms(659)).toBe('00:10:59');
    expect(hms(3600)).toBe('01:00:00');
    expect(hms(90000)).toBe('25:00:00');
    expect(hms(360000 + 61)).toBe('100:01:01');
  });

  it('prints hundredths as a percentage with two decimals, empty for none', () => {
    expect(hundredths(3333)).toBe('33.33');
    expect(hundredths(10000)).toBe('100.00');
    expect(hundredths(13)).toBe('0.13');
    expect(hundredths(0)).toBe('0.00');
    expect(hundredths(null)).toBe('');
  });

  it('prints local times the way the original report did', () => {
    expect(interval('2025-09-07 23:00:00', '2025-09-08 00:00:00')).toBe('23:00 - 00:00');
    expect(shortDate('2025-09-07 09:00:00')).toBe('07-Sep');
    expect(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => shortDate(`2025-${m}-01 00:00:00`))).toEqual([
      '01-Jan', '01-Feb', '01-Mar', '01-Apr', '01-May', '01-Jun', '01-Jul', '01-Aug', '01-Sep', '01-Oct', '01-Nov', '01-Dec',
    ]);
    expect(dateTime('2025-09-07 09:00:00')).toBe('07/09/2025, 09:00:00');
  });

  it('defuses names a spreadsheet would run as formulas', () => {
    for (const n of ['=1+1', '+44 1', '-x', '@SUM(A1)', '\tTab', '\rCR']) expect(safeName(n)).toBe(`'${n}`);
    for (const n of ['Layla Menon', "O'Brien", '', ' =x']) expect(safeName(n)).toBe(n);
  });
});
