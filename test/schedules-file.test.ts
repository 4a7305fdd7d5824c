// The schedule file and the named ranges: a bad file is one line naming the schedule and
// the field; the ranges are local calendar days of REPORT_TZ, DST days included, and a
// DST day's "yesterday" has 23 or 25 hours of rows, byte for byte the API's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { parseSchedules, ScheduleFileError, loadSchedules } from '../src/schedules/file.ts';
import { localRange, EmptyRangeError } from '../src/schedules/range.ts';
import { runSchedule } from '../src/schedules/run.ts';
import { previousRun } from '../src/schedules/scheduler.ts';
import { silentLogger } from '../src/log.ts';
import { startHttpServer } from '../src/http/server.ts';
import { useTestDatabase } from './helpers/database.ts';
import { get, hourStarts, insertActivity, setAgent, testConfig } from './helpers/report.ts';

const GOOD = {
  name: 'north-daily',
  cron: '0 7 * * *',
  range: 'yesterday',
  report: { interval: '1h', by: 'agent', team: 'North', format: 'csv', durations: 'hms', breaks: false },
  email: { to: ['sup@example.com'], subject: 'North, yesterday' },
  folder: '/var/lib/apr/reports',
  webhook: { url: 'https://example.com/hook', secret: 'a-secret-of-sixteen+' },
};

function refusal(schedules: unknown): string {
  try {
    parseSchedules('/etc/apr/schedules.json', schedules, 'Asia/Dubai');
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleFileError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('the schedule file', () => {
  it("accepts the issue's example shape", () => {
    expect(parseSchedules('f', { schedules: [GOOD] }, 'Asia/Dubai')).toEqual([GOOD]);
  });

  it('refuses a bad file with one line naming the schedule and the field', () => {
    const F = 'REPORT_SCHEDULES=/etc/apr/schedules.json';
    expect(refusal({ schedules: [{ ...GOOD, email: { to: ['not-an-address'] } }] })).toBe(`${F}: schedule "north-daily", email.to[0]: Invalid email address`);
    expect(refusal({ schedules: [{ ...GOOD, cron: '0 7 * *' }] })).toBe(`${F}: schedule "north-daily", cron: not a cron expression: use five fields (minute hour day month weekday), e.g. "0 7 * * *"`);
    expect(refusal({ schedules: [GOOD, { ...GOOD, name: 'b', range: 'today' }] })).toMatch(/^REPORT_SCHEDULES=\S+: schedule "b", range: Invalid option: expected one of "yesterday"\|"last-7-days"\|"last-week"\|"month-to-date"\|"last-month"$/);
    expect(refusal({ schedules: [{ ...GOOD, report: { ...GOOD.report, intreval: '1h' } }] })).toBe(`${F}: schedule "north-daily", report.intreval: unknown field: remove it or check its spelling`);
    expect(refusal({ schedules: [{ name: 'x', cron: '0 7 * * *', range: 'yesterday' }] })).toBe(`${F}: schedule "x": no destination: give at least one of email, folder or webhook`);
    expect(refusal({ schedules: [GOOD, GOOD] })).toBe(`${F}: schedule "north-daily", name: the name "north-daily" is used twice: names must be unique`);
    expect(refusal({ schedules: [{ ...GOOD, webhook: { url: 'http://example.com/hook', secret: GOOD.webhook.secret } }] })).toBe(`${F}: schedule "north-daily", webhook.url: must be an https:// URL`);
    expect(refusal({ schedules: [{ ...GOOD, webhook: { url: GOOD.webhook.url, secret: 'short' } }] })).toBe(`${F}: schedule "north-daily", webhook.secret: the secret signs each body: at least 16 characters`);
    expect(refusal({ schedules: [{ ...GOOD, report: { breaks: true, by: 'team' } }] })).toBe(`${F}: schedule "north-daily", report.by: by applies to the report, not to the breaks report (breaks: true)`);
    expect(refusal({ schedules: [{ ...GOOD, report: { over: true } }] })).toBe(`${F}: schedule "north-daily", report.over: over applies to the breaks report only: set breaks: true, or remove over`);
    expect(refusal({ schedules: [{ ...GOOD, folder: 'reports' }] })).toBe(`${F}: schedule "north-daily", folder: give an absolute path to an existing folder, e.g. /var/lib/apr/reports`);
    expect(refusal({ schedules: [{ ...GOOD, name: 7 }] })).toBe(`${F}: schedule #1, name: Invalid input: expected string, received number`);
    expect(refusal([])).toBe(`${F}: the file: Invalid input: expected object, received array (the file is {"schedules": [...]})`);
    for (const bad of [{ ...GOOD, report: { team: 'a,' } }, { ...GOOD, report: { team: ['a,b'] } }]) expect(refusal({ schedules: [bad] })).toMatch(/schedule "north-daily", report\.team(\[0\])?: /);
  });

  it('a file that is missing or not JSON is one line too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apr-sched-file-'));
    await expect(loadSchedules(join(dir, 'none.json'), 'Asia/Dubai')).rejects.toThrow(/^REPORT_SCHEDULES=.*none\.json cannot be read \(ENOENT\): point it at the schedule file, or unset it$/);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'bad.json'), '{"schedules": [');
    await expect(loadSchedules(join(dir, 'bad.json'), 'Asia/Dubai')).rejects.toThrow(/^REPORT_SCHEDULES=.*bad\.json is not valid JSON \(/);
  });
});

const at = (iso: string, tz: string) => DateTime.fromISO(iso, { zone: tz }).toMillis();

describe('ranges, in local calendar days', () => {
  it('yesterday around DST changes is the local day before, whatever the hour of the run', () => {
    const cases: [string, string, string, string][] = [
      // zone, local time of the run, start, end
      ['Europe/London', '2025-10-27T00:30', '2025-10-26', '2025-10-27'], // the 25-hour day
      ['Europe/London', '2025-10-27T07:00', '2025-10-26', '2025-10-27'],
      ['Europe/London', '2025-10-26T23:59', '2025-10-25', '2025-10-26'],
      ['Europe/London', '2025-03-31T00:10', '2025-03-30', '2025-03-31'], // the 23-hour day
      ['America/New_York', '2025-11-03T00:05', '2025-11-02', '2025-11-03'],
      ['America/New_York', '2025-03-10T07:00', '2025-03-09', '2025-03-10'],
      ['Asia/Beirut', '2025-03-31T07:00', '2025-03-30', '2025-03-31'], // midnight does not exist on the 30th
      ['America/Santiago', '2025-04-06T07:00', '2025-04-05', '2025-04-06'], // midnight happens twice
      ['Asia/Dubai', '2025-01-01T00:00', '2024-12-31', '2025-01-01'],
    ];
    for (const [tz, local, startDate, endDate] of cases) {
      expect(localRange('yesterday', at(local, tz), tz), `${tz} ${local}`).toEqual({ startDate, endDate });
    }
  });

  it('last-7-days, last-week (Monday to Sunday), last-month, month-to-date', () => {
    const tz = 'Europe/London';
    const wed = at('2025-11-05T07:00', tz); // a Wednesday, after the October change
    expect(localRange('last-7-days', wed, tz)).toEqual({ startDate: '2025-10-29', endDate: '2025-11-05' });
    expect(localRange('last-week', wed, tz)).toEqual({ startDate: '2025-10-27', endDate: '2025-11-03' });
    expect(localRange('last-week', at('2025-11-03T00:00', tz), tz)).toEqual({ startDate: '2025-10-27', endDate: '2025-11-03' }); // Monday
    expect(localRange('last-week', at('2025-11-02T23:59', tz), tz)).toEqual({ startDate: '2025-10-20', endDate: '2025-10-27' }); // Sunday
    expect(localRange('last-month', wed, tz)).toEqual({ startDate: '2025-10-01', endDate: '2025-11-01' });
    expect(localRange('last-month', at('2025-01-15T07:00', tz), tz)).toEqual({ startDate: '2024-12-01', endDate: '2025-01-01' });
    expect(localRange('month-to-date', at('2025-11-05T07:42', tz), tz)).toEqual({ startDate: '2025-11-01', endDate: '2025-11-05', endTime: '07:00:00' });
    expect(localRange('month-to-date', at('2025-11-05T00:10', tz), tz)).toEqual({ startDate: '2025-11-01', endDate: '2025-11-05' });
    expect(() => localRange('month-to-date', at('2025-11-01T00:30', tz), tz)).toThrow(EmptyRangeError);
  });

  it('cron runs in REPORT_TZ: 07:00 local is 06:00 UTC in British summer and 07:00 in winter', () => {
    expect(previousRun('0 7 * * *', 'Europe/London', Date.parse('2025-10-25T12:00:00Z')).toISOString()).toBe('2025-10-25T06:00:00.000Z');
    expect(previousRun('0 7 * * *', 'Europe/London', Date.parse('2025-10-27T12:00:00Z')).toISOString()).toBe('2025-10-27T07:00:00.000Z');
  });
});

describe('yesterday on DST days, from the database', () => {
  const TZ = 'Europe/London';
  const db = useTestDatabase('schedules-dst', TZ);
  let api: { url: string; close(): Promise<void> };
  let folder: string;
  beforeAll(async () => {
    const { pool } = db();
    await setAgent(pool, '7001', 'Night Shift');
    for (const [from, to] of [['2025-10-26 00:00:00', '2025-10-27 00:00:00'], ['2025-03-30 00:00:00', '2025-03-31 00:00:00']] as const) {
      const hours = await hourStarts(pool, from, to);
      await insertActivity(pool, hours.map((h) => ({ hourStart: h, ext: '7001', idle_s: 1800 })));
    }
    api = await startHttpServer(testConfig(db().url, TZ), db().pool, silentLogger);
    folder = mkdtempSync(join(tmpdir(), 'apr-sched-dst-'));
  });
  afterAll(() => api?.close());

  for (const [runAt, day, hours] of [['2025-10-27T07:00', '2025-10-26', 25], ['2025-03-31T07:00', '2025-03-30', 23]] as const) {
    it(`a run at ${runAt} sends ${day}: ${hours} hourly rows, the API's bytes`, async () => {
      const [s] = parseSchedules('f', { schedules: [{ name: `dst-${day}`, cron: '0 7 * * *', range: 'yesterday', folder }] }, TZ);
      const r = await runSchedule({ pool: db().pool, log: silentLogger, reportTz: TZ, reportMaxDays: 93, waitMinutes: 0 }, s!, at(runAt, TZ), 'manual', `manual:${day}`, false);
      expect(r.outcome, r.error).toBe('ok');
      expect(r.note).toBeNull();
      const fromApi = await get(`${api.url}/api/report?startDate=${day}`);
      const file = readFileSync(join(folder, `report_${day}_to_${DateTime.fromISO(day).plus({ days: 1 }).toISODate()}.csv`));
      expect(file.equals(fromApi.body)).toBe(true);
      expect(file.toString('utf8').split('\r\n').length - 2).toBe(hours);
    });
  }
});

describe('the README', () => {
  it("example schedule file is accepted as it is", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Scheduled reports'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const schedules = parseSchedules('README.md', JSON.parse(json), 'Asia/Dubai');
    expect(schedules.map((s) => [s.name, s.range])).toEqual([['north-daily', 'yesterday'], ['weekly-days', 'last-week'], ['monthly-json', 'last-month']]);
  });
});
