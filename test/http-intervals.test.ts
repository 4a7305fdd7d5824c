// GET /api/intervals: every interval of a range, with the selected agents' rows summed per
// interval in SQL: the sums equal the report's own rows summed by hand for every interval
// length, intervals with no row are there with zeros, each interval's own Not Loaded
// seconds and the range's Not Loaded parts by kind follow the loaded windows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadWorkedExampleDay } from './helpers/worked-example-day.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';
import { WORKED_EXAMPLE_LOADED } from './helpers/timeline-worked-example.ts';

const db = useTestDatabase('http-intervals', 'Asia/Dubai');
const AUTH = { Authorization: 'Bearer tok-i' };
const DAY = 'startDate=2025-09-07&endDate=2025-09-08';
let server: { url: string; close(): Promise<void> };

type Obj = Record<string, number | string | null>;

beforeAll(async () => {
  const { pool, url } = db();
  // loaded 08:00-09:50 and 10:10-11:00: a 20-minute gap
  await loadWorkedExampleDay(pool, [[WORKED_EXAMPLE_LOADED.from, WORKED_EXAMPLE_LOADED.from + 6600], [WORKED_EXAMPLE_LOADED.from + 7800, WORKED_EXAMPLE_LOADED.to]]);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: 'tok-i' }), pool, silentLogger);
});
afterAll(async () => server?.close());

const json = async (path: string) => {
  const r = await get(`${server.url}${path}`, AUTH);
  expect(r.status, r.text).toBe(200);
  return r.json();
};

const SUMMED = [
  'available_time', 'productive_break', 'non_prod_break', 'login_time', 'logoff_time', 'idle_time', 'total_calls', 'answered_calls', 'failed_calls',
  'lunch_time', 'tea_coffee_break', 'bio_break', 'short_break', 'other_npt', 'meeting_time', 'training_time', 'chat_time', 'tickets_time',
  'outbound_time', 'talk_time', 'hold_time', 'wrap_up_time', 'dnd_time', 'staffed_time', 'offline_time', 'not_loaded_time',
];

describe('GET /api/intervals', () => {
  for (const [interval, count] of [['15m', 96], ['30m', 48], ['1h', 24], ['day', 1], ['week', 1], ['total', 1]] as const) {
    for (const ext of ['', '&ext=4101']) {
      it(`sums the report's rows per interval at ${interval}${ext ? ' for one agent' : ''}, every interval of the day there`, async () => {
        const q = `${DAY}${interval === '1h' ? '' : `&interval=${interval}`}${ext}`;
        const rows = (await json(`/api/report?${q}&format=json`)) as Obj[];
        const answer = (await json(`/api/intervals?${q}`)) as { intervals: Obj[] };
        expect(answer.intervals).toHaveLength(count);
        const byStart = new Map<string, Obj[]>();
        for (const r of rows) byStart.set(r.start_time as string, [...(byStart.get(r.start_time as string) ?? []), r]);
        for (const x of answer.intervals) {
          const mine = byStart.get(x.start_time as string) ?? [];
          expect(x.rows, `${x.start_time}`).toBe(mine.length);
          for (const k of SUMMED) expect(x[k], `${x.start_time} ${k}`).toBe(mine.reduce((n, r) => n + (r[k] as number), 0));
          if (mine.length === 1) for (const k of ['aht', 'answer_rate', 'occupancy', 'interval', 'date', 'end_time']) expect(x[k], `${x.start_time} ${k}`).toEqual(mine[0]![k]);
        }
        expect(new Set(answer.intervals.map((x) => x.start_time)).size).toBe(count);
      });
    }
  }

  it("gives each interval's own Not Loaded seconds and the range's Not Loaded parts by kind", async () => {
    const answer = (await json(`/api/intervals?${DAY}`)) as { horizon: string; cut: null; notLoaded: Obj[]; intervals: Obj[] };
    expect(answer.intervals.map((x) => x.interval_not_loaded)).toEqual(Array.from({ length: 24 }, (_, h) => (h < 8 || h >= 11 ? 3600 : h === 8 ? 0 : 600)));
    expect(answer.intervals.every((x) => x.seconds === 3600)).toBe(true);
    expect(answer.notLoaded).toEqual([
      { start: '2025-09-06T20:00:00Z', end: '2025-09-07T04:00:00Z', seconds: 28800, kind: 'before first load' },
      { start: '2025-09-07T05:50:00Z', end: '2025-09-07T06:10:00Z', seconds: 1200, kind: 'gap' },
      { start: '2025-09-07T07:00:00Z', end: '2025-09-07T20:00:00Z', seconds: 46800, kind: 'after horizon' },
    ]);
    expect(answer.horizon).toBe('2025-09-07T07:00:00Z');
    expect(answer.cut).toBeNull();
  });

  it('refuses what the report refuses, and the parameters that do not apply, naming the fix', async () => {
    const bad = await get(`${server.url}/api/intervals?startDate=2025-09-08&endDate=2025-09-07`, AUTH);
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: string }).error).toMatch(/the end must be after the start/);
    const format = await get(`${server.url}/api/intervals?${DAY}&format=csv`, AUTH);
    expect(format.status).toBe(400);
    expect((format.json() as { error: string }).error).toMatch(/^format does not apply here/);
    expect((await get(`${server.url}/api/intervals?${DAY}`)).status).toBe(401);
  });
});
