// GET /api/timeline: the worked example's day (rules §6) as segments from sp_agent_timeline,
// Not Loaded outside loaded_windows, no state carried across a gap, a DST day's length,
// the token, and bad input refused with a 400 naming the fix.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';
import { WORKED_EXAMPLE_SEGMENTS } from './helpers/timeline-worked-example.ts';

const db = useTestDatabase('timeline', 'Asia/Dubai');
const EVENTS = JSON.parse(readFileSync(new URL('./fixtures/worked-example/events.json', import.meta.url), 'utf8'));
const LOADED_FROM = 1757217600; // 2025-09-07 08:00 Asia/Dubai
const LOADED_TO = 1757228400; // 11:00
const TOKEN = 'timeline-test-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };


interface Timeline {
  ext: string;
  name: string | null;
  date: string;
  start: string;
  end: string;
  segments: { start: string; end: string; seconds: number; state: string; reason: string | null }[];
}

let server: { url: string; close(): Promise<void> };

async function addWindow(from: number, to: number): Promise<void> {
  await db().pool.query("INSERT INTO loaded_windows (from_ts, to_ts, source) VALUES (?, ?, 'collector')", [from, to]);
}

beforeAll(async () => {
  const { pool, url } = db();
  await loadFixtureEvents(pool, EVENTS, LOADED_TO);
  // the collector's record of the window it loaded (two overlapping runs: one stretch)
  await addWindow(LOADED_FROM, LOADED_FROM + 7200);
  await addWindow(LOADED_FROM + 5400, LOADED_TO);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: TOKEN }), pool, silentLogger);
});

afterAll(async () => {
  await server?.close();
});

async function timeline(query: string): Promise<Timeline> {
  const r = await get(`${server.url}/api/timeline?${query}`, AUTH);
  expect(r.status, r.text).toBe(200);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  return r.json() as Timeline;
}

describe('GET /api/timeline', () => {
  it("gives the worked example's segments (rules §6), the whole local day, Not Loaded outside the loaded window", async () => {
    const t = await timeline('ext=4101&date=2025-09-07');
    expect(t.ext).toBe('4101');
    expect(t.name).toBe('Layla Menon');
    expect(t.start).toBe('2025-09-07T00:00:00+04:00');
    expect(t.end).toBe('2025-09-08T00:00:00+04:00');
    expect(t.segments.map((s) => [s.start.slice(11, 19), s.end.slice(11, 19), s.state, s.reason])).toEqual(WORKED_EXAMPLE_SEGMENTS);
    // contiguous, and the seconds add up to the day
    for (let i = 1; i < t.segments.length; i++) expect(t.segments[i]!.start).toBe(t.segments[i - 1]!.end);
    expect(t.segments.reduce((n, s) => n + s.seconds, 0)).toBe(86400);
    // the same seconds the report counts for 09:00-10:00 (rules §6)
    const secondsOf = (state: string) => t.segments.filter((s) => s.state === state && s.start >= '2025-09-07T09' && s.end <= '2025-09-07T10:00:00+04:00').reduce((n, s) => n + s.seconds, 0);
    expect(secondsOf('Hold')).toBe(120);
    expect(secondsOf('Wrap Up')).toBe(59);
    expect(secondsOf('Offline')).toBe(1);
  });

  it('starts each stretch of loaded time Offline: no state carried across a gap', async () => {
    const { pool } = db();
    // 4101 is in Lunch at 10:00; a gap 10:00-10:10 splits the loaded time in two
    await pool.query('DELETE FROM loaded_windows');
    await addWindow(LOADED_FROM, LOADED_FROM + 7200);
    await addWindow(LOADED_FROM + 7800, LOADED_TO);
    try {
      const t = await timeline('ext=4101&date=2025-09-07');
      const around = t.segments.filter((s) => s.start >= '2025-09-07T09:45' && s.end <= '2025-09-07T10:40:00+04:00');
      expect(around.map((s) => [s.start.slice(11, 19), s.end.slice(11, 19), s.state])).toEqual([
        ['09:45:00', '10:00:00', 'Lunch'],
        ['10:00:00', '10:10:00', 'Not Loaded'],
        ['10:10:00', '10:15:00', 'Offline'],
        ['10:15:00', '10:40:00', 'Tickets'],
      ]);
    } finally {
      await pool.query('DELETE FROM loaded_windows');
      await addWindow(LOADED_FROM, LOADED_TO);
    }
  });

  it('carries the state into a day from the same stretch, however long ago', async () => {
    const t = await timeline('ext=4101&date=2025-09-06');
    expect(t.segments.map((s) => s.state)).toEqual(['Not Loaded']);
    const { pool } = db();
    // loaded since the day before: 4101 is Idle from 10:50 on the 7th into the 8th
    await addWindow(LOADED_TO, LOADED_TO + 86400);
    const next = await timeline('ext=4101&date=2025-09-08');
    expect(next.segments.map((s) => [s.start.slice(11, 19), s.end.slice(11, 19), s.state])).toEqual([
      ['00:00:00', '11:00:00', 'Idle'],
      ['11:00:00', '00:00:00', 'Not Loaded'],
    ]);
    await pool.query('DELETE FROM loaded_windows WHERE from_ts = ?', [LOADED_TO]);
  });

  it('shows an agent without events as Offline in loaded time', async () => {
    const t = await timeline('ext=9999&date=2025-09-07');
    expect(t.name).toBeNull();
    expect(t.segments.map((s) => s.state)).toEqual(['Not Loaded', 'Offline', 'Not Loaded']);
  });

  it('needs the token', async () => {
    const r = await get(`${server.url}/api/timeline?ext=4101&date=2025-09-07`);
    expect(r.status).toBe(401);
    const wrong = await get(`${server.url}/api/timeline?ext=4101&date=2025-09-07`, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  const BAD: [string, RegExp][] = [
    ['', /ext is required/],
    ['ext=4101', /date is required.*YYYY-MM-DD/],
    ['date=2025-09-07', /ext is required/],
    ['ext=4101&date=07-09-2025', /date must be a date as YYYY-MM-DD/],
    ['ext=4101&date=2025-02-30', /not a real calendar date/],
    ['ext=4101&date=1990-01-01', /outside the report calendar/],
    ['ext=4101,4102&date=2025-09-07', /ext must be one extension/],
    [`ext=${encodeURIComponent("4101' OR 1=1")}&date=2025-09-07`, /ext must be one extension/],
    ['ext=4101&date=2025-09-07&date=2025-09-08', /date is given more than once/],
    ['ext=4101&date=2025-09-07&day=1', /unknown parameter "day": the parameters are ext and date/],
  ];
  it(`refuses ${BAD.length} kinds of bad input with a 400 naming the fix`, async () => {
    for (const [query, message] of BAD) {
      const r = await get(`${server.url}/api/timeline?${query}`, AUTH);
      expect(r.status, query).toBe(400);
      expect((r.json() as { error: string }).error, query).toMatch(message);
    }
  });
});

describe('GET /api/timeline on a DST day', () => {
  const dst = useTestDatabase('timeline-dst', 'Europe/London');
  it('covers the 23 hours of a spring-forward day from report_hours', async () => {
    const srv = await startHttpServer(testConfig(dst().url, 'Europe/London'), dst().pool, silentLogger);
    try {
      const r = await get(`${srv.url}/api/timeline?ext=4101&date=2025-03-30`);
      const t = r.json() as Timeline;
      expect(t.start).toBe('2025-03-30T00:00:00+00:00');
      expect(t.end).toBe('2025-03-31T00:00:00+01:00');
      expect(t.segments).toEqual([{ start: t.start, end: t.end, seconds: 23 * 3600, state: 'Not Loaded', reason: null }]);
    } finally {
      await srv.close();
    }
  });
});
