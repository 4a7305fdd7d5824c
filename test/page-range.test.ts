/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The report page as a newcomer meets it, in Chromium, on the worked example (rules §6,
// loaded 08:00-11:00 on 2025-09-07): every interval of a range on the chart's axis with
// its Not Loaded share, the data status naming every kind of Not Loaded time, choices
// applied as they change, refusals in words that replace the result, a table of
// thousands of rows drawn a screenful at a time (and paged beyond), a phone's view, the
// timeline of a pruned day, and blanks sorted last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, markLoaded } from './helpers/fixtures.ts';
import { loadWorkedExampleDay } from './helpers/worked-example-day.ts';
import { launchBrowser } from './helpers/browser.ts';
import { newPage, readChart, readTable, settled, signIn } from './helpers/page-driver.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { pruneRaw } from '../src/retention/prune.ts';
import { get, testConfig } from './helpers/report.ts';
import { WORKED_EXAMPLE_LOADED } from './helpers/timeline-worked-example.ts';

const db = useTestDatabase('page-range', 'Asia/Dubai');
const TOKEN = 'page-range-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const DAY = 'startDate=2025-09-07&startTime=00:00:00&endDate=2025-09-08&endTime=00:00:00';
const RANGE = 'startDate=2025-09-07&startTime=09:00:00&endDate=2025-09-07&endTime=11:00:00';
const H = 3600;

let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  const { pool, url } = db();
  await loadWorkedExampleDay(pool);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: TOKEN }), pool, silentLogger);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const open = async (query: string, width = 1366, height = 768, touch = false): Promise<Page> => {
  const page = await newPage(browser, width, height, touch);
  await signIn(page, `${server.url}/?${query}`, TOKEN);
  return page;
};

describe('the chart and the data status over a whole day', () => {
  it('puts every hour of the day on the axis, Not Loaded where nothing was loaded, Offline on request', async () => {
    const page = await open(DAY);
    const chart = await readChart(page);
    expect(chart.labels).toHaveLength(24);
    expect(chart.labels[0]).toBe('00:00 - 01:00');
    expect(chart.labels[23]).toBe('23:00 - 00:00');
    const nl = chart.sets.find((s) => s.label === 'Not Loaded')!;
    // the share of each hour outside loaded time: all of it but 08:00-11:00
    expect(nl.data).toEqual(Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 11 ? 0 : 1)));
    const offline = chart.sets.find((s) => s.label === 'Offline')!;
    expect(offline.visible).toBe(false);
    expect(await page.isVisible('#chart-note')).toBe(false);
    await page.getByLabel('Offline in the chart').check();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('offline')).toBe('1');
    const shown = (await readChart(page)).sets.find((s) => s.label === 'Offline')!;
    expect(shown.visible).toBe(true);
    // the two agents' Offline seconds of 08:00-09:00, as the table's rows sum them
    const rows = (await get(`${server.url}/api/report?startDate=2025-09-07&startTime=08:00:00&endDate=2025-09-07&endTime=09:00:00&format=json`, AUTH)).json() as { offline_time: number }[];
    expect(shown.data[8]).toBe(rows.reduce((n, r) => n + r.offline_time, 0));
    await page.close();
  });

  it('names every kind of Not Loaded time in the range: before the first load and after the horizon', async () => {
    const page = await open(DAY);
    const status = await page.textContent('#status');
    expect(status).toContain('Not loaded, before the first load 2025-09-07 00:00 – 2025-09-07 08:00 (08:00:00): load it with');
    expect(status).toContain('npm run backfill -- --from "2025-09-07 00:00" --to "2025-09-07 08:00"');
    expect(status).toContain('Not loaded yet, after the data horizon 2025-09-07 11:00 – 2025-09-08 00:00 (13:00:00)');
    expect(status).not.toContain('Every second of this range is loaded');
    // a range older than the 7 days /api/status looks at is named all the same
    await page.goto(`${server.url}/?startDate=2025-08-01&endDate=2025-08-02`);
    await settled(page);
    expect(await page.textContent('#status')).toContain('Not loaded, before the first load 2025-08-01 00:00 – 2025-08-02 00:00 (24:00:00)');
    // a range wholly loaded says so
    await page.goto(`${server.url}/?startDate=2025-09-07&startTime=08:00:00&endDate=2025-09-07&endTime=11:00:00`);
    await settled(page);
    expect(await page.textContent('#status')).toContain('Every second of this range is loaded.');
    await page.close();
  });

  it('says in words that nothing was loaded for an empty range, with the command that loads it', async () => {
    const page = await open('startDate=2025-08-01&endDate=2025-08-02');
    const note = await page.textContent('#chart-note');
    expect(note).toContain('Nothing was loaded for this range, so it has no figures (this does not mean nobody worked)');
    expect(note).toContain('npm run backfill -- --from "2025-08-01 00:00" --to "2025-08-02 00:00"');
    expect((await readChart(page)).labels).toHaveLength(24);
    expect(await page.textContent('#message')).toBe('No rows in this range.');
    await page.close();
  });
});

describe('choices and refusals', () => {
  it('applies a changed choice at once, and the download follows what is shown', async () => {
    const page = await open(RANGE);
    await page.getByLabel('Interval', { exact: true }).selectOption('15m');
    // no Show: the change applies by itself, once the pause after the last change is over
    await settled(page);
    expect(new URL(page.url()).searchParams.get('interval')).toBe('15m');
    const quarters = (await get(`${server.url}/api/report?${RANGE}&interval=15m&format=json`, AUTH)).json() as unknown[];
    expect((await readTable(page)).rows.length).toBe(quarters.length);
    // changed and downloaded at once: the file is the new choice's
    await page.getByLabel('Interval', { exact: true }).selectOption('30m');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('report_2025-09-07T09-00-00_to_2025-09-07T11-00-00_30m.csv');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('interval')).toBe('30m');
    await page.close();
  });

  it('replaces the result with words when a range is refused, and keeps the refused range out of the URL', async () => {
    const page = await open(RANGE);
    await page.fill('#endDate', '2025-09-06');
    await settled(page);
    expect(await page.textContent('#message')).toBe('The end is not after the start: pick a later end date or time.');
    expect(await page.isVisible('#result')).toBe(false);
    expect(new URL(page.url()).searchParams.get('endDate')).toBe('2025-09-07');
    await page.fill('#endDate', '2026-01-07');
    await settled(page);
    expect(await page.textContent('#message')).toMatch(/^That range is 123 days long; the longest report is 93 days: pick a shorter range\.$/);
    expect(await page.textContent('#message')).not.toMatch(/REPORT_MAX_DAYS|startDate|endDate/);
    await page.fill('#endDate', '2025-09-07');
    await settled(page);
    expect(await page.isVisible('#result')).toBe(true);
    // a link with a refused range opens with the words and a bare URL
    await page.goto(`${server.url}/?startDate=2025-09-08&endDate=2025-09-07`);
    await settled(page);
    expect(await page.textContent('#message')).toMatch(/The end is not after the start/);
    expect(new URL(page.url()).search).toBe('');
    await page.close();
  });

  it('opens a link with an impossible date on today, with a note saying so', async () => {
    const config = (await get(`${server.url}/api/config`)).json() as { today: string; maxDays: number };
    expect(config.maxDays).toBe(93);
    const page = await open('startDate=2026-13-45');
    expect(await page.isVisible('#note')).toBe(true);
    expect(await page.textContent('#note')).toBe('The link\'s start date "2026-13-45" is not valid: showing today instead.');
    expect(await page.inputValue('#startDate')).toBe(config.today);
    expect(new URL(page.url()).searchParams.get('startDate')).toBe(config.today);
    expect(await page.isVisible('#result')).toBe(true);
    await page.close();
  });

  it('sorts blank cells last, ascending and descending', async () => {
    const page = await open(RANGE);
    const column = async () => {
      const t = await readTable(page);
      const i = t.headers.findIndex((h) => h.startsWith('Answer Rate'));
      return t.rows.map((r) => r[i]);
    };
    await page.getByRole('button', { name: 'Answer Rate (%)' }).click();
    expect(await column()).toEqual(['33.33', '', '']);
    await page.getByRole('button', { name: 'Answer Rate (%)' }).click();
    expect(await page.getAttribute('th[data-key="answer_rate"]', 'aria-sort')).toBe('descending');
    expect(await column()).toEqual(['33.33', '', '']);
    await page.close();
  });
});

describe('a phone', () => {
  it('keeps Ext and Name in view while the table scrolls sideways, and a tap picks the nearest timeline segment', async () => {
    const page = await open(`${RANGE}&ext=4101`, 390, 844, true);
    await page.evaluate(() => {
      const box = document.getElementById('table-box')!;
      box.scrollLeft = box.scrollWidth;
    });
    for (const key of ['ext', 'name']) {
      const cell = await page.locator(`#table tbody tr:not(.spacer) td.${key}`).first().boundingBox();
      expect(cell!.x, key).toBeGreaterThanOrEqual(0);
      expect(cell!.x + cell!.width, key).toBeLessThanOrEqual(390);
    }
    expect(await page.locator('#table tbody tr:not(.spacer) td.ext').first().textContent()).toBe('4101');
    await page.locator('#table tbody tr:not(.spacer) td.ext button').first().click();
    await expect.poll(() => page.locator('#timeline .seg').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    // 10:50-11:00 Idle is under 3 px; a tap a few px to its right, on the 13-hour Not
    // Loaded segment, picks it: its middle is nearest
    const idle = (await page.locator('#timeline .seg[data-state="Idle"]').last().boundingBox())!;
    expect(idle.width).toBeLessThan(4);
    await page.touchscreen.tap(idle.x + idle.width + 4, idle.y + idle.height / 2);
    await expect.poll(() => page.evaluate(() => `${(document.activeElement as HTMLElement).dataset.state} ${(document.activeElement as HTMLElement).dataset.start?.slice(11, 16)}`), { timeout: 10_000 }).toBe('Idle 10:50');
    expect(await page.textContent('#tooltip')).toContain('10:50:00 – 11:00:00');
    await page.close();
  });
});

describe('a big table', () => {
  beforeAll(async () => {
    // 40 agents in every 15-minute slot of a loaded week (2025-09-10 .. 2025-09-17)
    const { pool } = db();
    const from = 1757448000; // 2025-09-10 00:00 +04:00
    const to = from + 7 * 24 * H;
    await pool.query(
      `INSERT INTO agent_slot_activity (slot_start, ext, slot_end, hour_start, counted_s, idle_s, talk_s, offline_s, total_calls, answered_calls)
       SELECT s.slot_start, CONCAT('5', LPAD(a.n, 3, '0')), s.slot_end, s.hour_start, 900,
         (a.n * 37 + s.slot_start DIV 900) % 600, 100, 900 - 100 - (a.n * 37 + s.slot_start DIV 900) % 600,
         a.n % 3, IF(a.n % 3 = 0, 0, 1)
       FROM report_slots s
       JOIN (WITH RECURSIVE n (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM n WHERE n < 39) SELECT n FROM n) a
       WHERE s.slot_start >= ? AND s.slot_start < ?`,
      [from, to],
    );
    // and their hours, as the transform stores them: the sums of the hours' slots
    await pool.query(
      `INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s, idle_s, talk_s, offline_s, not_loaded_s, total_calls, answered_calls)
       SELECT a.hour_start, a.ext, h.hour_end, h.local_start, h.local_end, SUM(a.counted_s), SUM(a.idle_s), SUM(a.talk_s), SUM(a.offline_s), 0,
         SUM(a.total_calls), SUM(a.answered_calls)
       FROM agent_slot_activity a JOIN report_hours h ON h.hour_start = a.hour_start
       WHERE a.slot_start >= ? AND a.slot_start < ?
       GROUP BY a.hour_start, a.ext, h.hour_end, h.local_start, h.local_end`,
      [from, to],
    );
    await markLoaded(pool, from, to);
  });

  it('draws a day at 15 minutes (3,840 rows) a screenful at a time, and sorts without drawing every row', async () => {
    const page = await open('startDate=2025-09-10&endDate=2025-09-11&interval=15m');
    expect(await page.textContent('#message')).toBe('3,840 row(s).');
    // 96 quarter hours: a bar each
    expect((await readChart(page)).labels).toHaveLength(96);
    expect(await page.isVisible('#chart-grain')).toBe(false);
    const drawn = await page.locator('#table tbody tr:not(.spacer)').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(120);
    // the box scrolls the whole height of every row
    const heights = await page.evaluate(() => {
      const box = document.getElementById('table-box')!;
      return { scroll: box.scrollHeight, row: document.querySelector('#table tbody tr:not(.spacer)')!.getBoundingClientRect().height };
    });
    expect(heights.scroll).toBeGreaterThan(3840 * heights.row);
    // scrolled to the bottom: the last rows are drawn, the API's last row among them
    await page.evaluate(() => {
      const box = document.getElementById('table-box')!;
      box.scrollTop = box.scrollHeight;
    });
    const api = (await get(`${server.url}/api/report?startDate=2025-09-10&endDate=2025-09-11&interval=15m&format=json`, AUTH)).json() as { ext: string; interval: string }[];
    expect(api).toHaveLength(3840);
    await expect.poll(async () => (await readTable(page)).rows.at(-1)!.slice(0, 3), { timeout: 10_000 }).toEqual([api.at(-1)!.ext, '', api.at(-1)!.interval]);
    // sorted by Idle Time descending: the first drawn row has the largest value
    await page.evaluate(() => {
      document.getElementById('table-box')!.scrollTop = 0;
    });
    await page.getByRole('button', { name: 'Idle Time' }).click();
    await page.getByRole('button', { name: 'Idle Time' }).click();
    const t = await readTable(page);
    expect(t.rows.length).toBeLessThan(120);
    expect(t.rows[0]![t.headers.indexOf('Idle Time')]).toBe('00:09:59');
    // the totals are the whole range's
    expect(t.totals[t.headers.indexOf('Total Calls')]).toBe(String(96 * (13 * 1 + 13 * 2)));
    await page.close();
  });

  it('pages a week at 15 minutes (26,880 rows) by runs of whole intervals, each the API\'s own rows', async () => {
    const page = await open('startDate=2025-09-10&endDate=2025-09-17&interval=15m');
    expect(await page.isVisible('#pager')).toBe(true);
    expect(await page.textContent('#page-text')).toMatch(/^Rows 1–10,000 of 26,880: 2025-09-10 00:00 to 2025-09-12 14:30 \(page 1 of 3;/);
    await page.getByRole('button', { name: 'Next rows' }).click();
    await settled(page);
    expect(await page.textContent('#page-text')).toMatch(/^Rows 10,001–20,000 of 26,880: 2025-09-12 14:30 to 2025-09-15 05:00 \(page 2 of 3;/);
    const first = (await readTable(page)).rows[0]!;
    expect(first.slice(0, 4)).toEqual(['5000', '', '14:30 - 14:45', '12-Sep']);
    expect(await page.isDisabled('#page-prev')).toBe(false);
    // 672 quarter hours are too many bars to see: the chart is drawn by hour, from SQL's hours
    const chart = await readChart(page);
    expect(chart.labels).toHaveLength(168);
    expect(chart.labels[0]).toBe('10-Sep 00:00 - 01:00');
    const hours = (await get(`${server.url}/api/intervals?startDate=2025-09-10&endDate=2025-09-17&interval=1h`, AUTH)).json() as { intervals: { idle_time: number }[] };
    expect(chart.sets.find((x) => x.label === 'Idle')!.data).toEqual(hours.intervals.map((x) => x.idle_time));
    expect(await page.textContent('#chart-grain')).toBe("Drawn by hour: the range's 672 quarter hours are too many bars to draw one each (the table has every one).");
    await page.close();
  });
});

describe('a pruned day', () => {
  it("says in words that a day before the retention cut has no timeline, and the next day's timeline starts from the state at the cut", async () => {
    const { pool } = db();
    // 4103 turns Idle at 20:00 and stays Idle; loaded until 2025-09-18 12:00
    await loadFixtureEvents(pool, { events: [{ event: 'agent_idle', enabled: true, ext: '4103', username: 'Sara+Ali', state: 'available', Timestamp: 1757260800 }] }, null);
    await markLoaded(pool, WORKED_EXAMPLE_LOADED.to, 1758182400);
    await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-18 12:00:00')");
    const before = (await get(`${server.url}/api/timeline?ext=4103&date=2025-09-08`, AUTH)).json() as { segments: { state: string }[] };
    expect(before.segments.map((s) => s.state)).toEqual(['Idle']);
    // now 2025-09-19 10:00 local, keep 10 days: the cut is 2025-09-09 00:00
    await pruneRaw(pool, { reportTz: 'Asia/Dubai', days: 10, log: silentLogger, nowSeconds: 1758261600 });
    const after = (await get(`${server.url}/api/timeline?ext=4103&date=2025-09-09`, AUTH)).json() as { segments: { state: string; start: string }[] };
    expect(after.segments.map((s) => [s.start.slice(11, 16), s.state])).toEqual([['00:00', 'Idle']]);
    const pruned = (await get(`${server.url}/api/timeline?ext=4103&date=2025-09-08`, AUTH)).json() as { segments: { state: string }[] };
    expect(pruned.segments.map((s) => s.state)).toEqual(['Pruned']);

    const page = await open('startDate=2025-09-08&endDate=2025-09-09&ext=4103&timeline=4103&timelineDate=2025-09-08');
    expect(await page.textContent('#timeline .timeline-note')).toContain('The raw events of this day were deleted by the retention (RAW_RETENTION_DAYS, npm run prune)');
    expect(await page.locator('#timeline .seg[data-state="Offline"]').count()).toBe(0);
    // the table still shows the agent working that day
    expect(await page.textContent('#message')).toBe('24 row(s).');
    expect((await readTable(page)).rows.slice(0, 2).map((r) => r.slice(0, 3))).toEqual([['4103', 'Sara Ali', '00:00 - 01:00'], ['4103', 'Sara Ali', '01:00 - 02:00']]);
    expect(await page.textContent('#status')).toContain('Raw events before 2025-09-09 00:00 were deleted');
    await page.close();
  });
});
