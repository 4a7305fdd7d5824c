// rules §6 end to end: the worked example's upstream payloads through the real normaliser
// and loader, loaded as one window 08:00-11:00 local, the real aggregation
// (sp_aggregate_range), then the report through the API and the CLI for every request the
// fixture gives (by hour, 15m, total, day): each equals its expected file byte for byte
// after the BOM. JSON gives the same rows, value for value.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats, markLoaded } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { BOM, get, parseCsv, testConfig } from './helpers/report.ts';

const db = useTestDatabase('report-worked-example', 'Asia/Dubai');
const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'worked-example');
const RANGE = 'startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=11:00:00';
const LOADED_FROM = 1757217600; // 2025-09-07 08:00 in Asia/Dubai
const HORIZON = 1757228400; // 11:00

const CASES = [
  { file: 'expected.csv', query: RANGE, flags: ['--startDate=2025-09-07', '--endDate', '2025-09-07', '--startTime', '09:00:00', '--endTime=11:00:00'], name: 'report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv', rows: 2 },
  { file: 'expected-15m.csv', query: `${RANGE}&interval=15m`, flags: ['--startDate=2025-09-07', '--endDate', '2025-09-07', '--startTime', '09:00:00', '--endTime=11:00:00', '--interval', '15m'], name: 'report_2025-09-07T09-00-00_to_2025-09-07T11-00-00_15m.csv', rows: 8 },
  { file: 'expected-total.csv', query: `${RANGE}&interval=total`, flags: ['--startDate=2025-09-07', '--endDate', '2025-09-07', '--startTime', '09:00:00', '--endTime=11:00:00', '--interval=total'], name: 'report_2025-09-07T09-00-00_to_2025-09-07T11-00-00_total.csv', rows: 1 },
  { file: 'expected-day.csv', query: 'startDate=2025-09-07&interval=day', flags: ['--startDate', '2025-09-07', '--interval', 'day'], name: 'report_2025-09-07_to_2025-09-08_day.csv', rows: 1 },
] as const;

const expected = (file: string) => readFileSync(join(FIXTURE, 'v2', file));

let srv: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  const { pool } = db();
  await loadFixtureEvents(pool, JSON.parse(readFileSync(join(FIXTURE, 'events.json'), 'utf8')), null);
  await loadFixtureStats(pool, JSON.parse(readFileSync(join(FIXTURE, 'v2', 'stats.json'), 'utf8')) as Record<string, unknown>);
  await markLoaded(pool, LOADED_FROM, HORIZON);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
  srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), db().pool, silentLogger);
});

afterAll(async () => {
  await srv?.close();
});

function runCli(cwd: string, flags: readonly string[], reportTz = 'Asia/Dubai'): Promise<string> {
  return new Promise<string>((done, fail) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'src', 'cli', 'report.ts'), ...flags],
      { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, REPORT_TZ: reportTz } },
      (err, out, stderr) => (err ? fail(Object.assign(new Error(stderr, { cause: err }), { code: (err as { code?: number }).code, stderr })) : done(out)),
    );
  });
}

describe('worked example (rules §6)', () => {
  for (const c of CASES) {
    it(`${c.file} comes out of the API byte for byte`, async () => {
      const r = await get(`${srv.url}/api/report?${c.query}`);
      expect(r.status).toBe(200);
      expect(r.headers['x-data-horizon']).toBe('2025-09-07T07:00:00Z');
      expect(r.headers['content-disposition']).toBe(`attachment; filename="${c.name}"`);
      expect(r.body.subarray(0, 3).equals(BOM)).toBe(true);
      expect(r.body.subarray(3).toString('utf8')).toBe(expected(c.file).toString('utf8'));
    });
  }

  it('comes out of the CLI byte for byte, for every interval', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-worked-'));
    for (const c of CASES) {
      const stdout = await runCli(cwd, c.flags);
      const file = join(cwd, c.name);
      expect(stdout.trim()).toBe(`wrote ${file} (${c.rows} row${c.rows === 1 ? '' : 's'})`);
      const bytes = readFileSync(file);
      expect(bytes.subarray(0, 3).equals(BOM)).toBe(true);
      expect(bytes.subarray(3).equals(expected(c.file))).toBe(true);
    }
  });

  it('gives the same rows as JSON, value for value, for every interval', async () => {
    for (const c of CASES) {
      const csv = parseCsv((await get(`${srv.url}/api/report?${c.query}&durations=seconds&bom=0`)).body.toString('utf8'));
      const r = await get(`${srv.url}/api/report?${c.query}&format=json`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['x-data-horizon']).toBe('2025-09-07T07:00:00Z');
      expect(r.headers['content-disposition']).toBe(`attachment; filename="${c.name.replace(/\.csv$/, '.json')}"`);
      const json = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>[];
      const [header, ...rows] = csv;
      expect(json).toHaveLength(rows.length);
      for (const [i, row] of rows.entries()) {
        const obj = json[i]!;
        expect(Object.keys(obj)).toHaveLength(header!.length);
        const values = Object.values(obj);
        for (const [j, cell] of row.entries()) {
          const v = values[j];
          if (j === 2 || j === 3) continue; // times: checked below in ISO form
          if (typeof v === 'number') expect(v).toBe(Number(cell));
          else if (v === null) expect(cell).toBe('');
          else expect(v).toBe(cell);
        }
      }
    }
    const day = JSON.parse((await get(`${srv.url}/api/report?startDate=2025-09-07&interval=day&format=json`)).body.toString('utf8')) as Record<string, unknown>[];
    expect(day[0]).toMatchObject({
      interval: '00:00 - 00:00',
      date: '07-Sep',
      start_time: '2025-09-07T00:00:00+04:00',
      end_time: '2025-09-08T00:00:00+04:00',
      ext: '4101',
      name: 'Layla Menon',
      answer_rate: 33.33,
      occupancy: 21.97,
      staffed_time: 7799,
      offline_time: 3001,
      not_loaded_time: 75600,
    });
    const empty = await get(`${srv.url}/api/report?startDate=2025-09-01&format=json`);
    expect(empty.body.toString('utf8').trim()).toBe('[]');
  });

  it('is refused, with the words migrate uses, when REPORT_TZ is not the zone the database was built for', async () => {
    const london = await startHttpServer(testConfig(db().url, 'Europe/London'), db().pool, silentLogger);
    try {
      const r = await get(`${london.url}/api/report?${RANGE}`);
      expect(r.status).toBe(503);
      expect((r.json() as { error: string }).error).toMatch(/built for REPORT_TZ=Asia\/Dubai, but REPORT_TZ is now Europe\/London.*npm run migrate -- --rebuild-tz/);
    } finally {
      await london.close();
    }
    const cwd = mkdtempSync(join(tmpdir(), 'apr-zone-'));
    const err = (await runCli(cwd, ['--startDate', '2025-09-07'], 'Europe/London').then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    )) as { code?: number; stderr?: string } | null;
    expect(err?.code).toBe(3);
    expect(JSON.parse(err!.stderr!.trim()).error).toMatch(/built for REPORT_TZ=Asia\/Dubai, but REPORT_TZ is now Europe\/London/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('gives 30-minute rows that are the sums of their 15-minute rows, with the rates from the sums', async () => {
    type Row = Record<string, number | string | null>;
    const fetchRows = async (interval: string) => JSON.parse((await get(`${srv.url}/api/report?${RANGE}&interval=${interval}&format=json`)).body.toString('utf8')) as Row[];
    const quarters = await fetchRows('15m');
    const halves = await fetchRows('30m');
    expect(halves.map((r) => r.interval)).toEqual(['09:00 - 09:30', '09:30 - 10:00', '10:00 - 10:30', '10:30 - 11:00']);
    const summed = ['available_time', 'idle_time', 'talk_time', 'hold_time', 'wrap_up_time', 'lunch_time', 'tickets_time', 'other_npt', 'login_time', 'total_calls', 'answered_calls', 'staffed_time', 'offline_time', 'not_loaded_time'];
    for (const [i, half] of halves.entries()) {
      const [a, b] = [quarters[2 * i]!, quarters[2 * i + 1]!];
      for (const k of summed) expect(half[k], `${half.interval} ${k}`).toBe(Number(a[k]) + Number(b[k]));
      const handled = Number(half.talk_time) + Number(half.hold_time) + Number(half.wrap_up_time);
      const avail = Number(half.available_time);
      expect(half.occupancy).toBe(avail > 0 ? Math.floor((20000 * handled + avail) / (2 * avail)) / 100 : null);
      const offered = Number(half.total_calls);
      expect(half.answer_rate).toBe(offered > 0 ? Math.floor((20000 * Number(half.answered_calls) + offered) / (2 * offered)) / 100 : null);
    }
    // 09:00-09:30: one of two offered calls answered: 50.00, from the sums (not the mean of 0.00 and 100.00... which is also 50)
    expect(halves[0]).toMatchObject({ total_calls: 2, answered_calls: 1, answer_rate: 50 });
  });
});
