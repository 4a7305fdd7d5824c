/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The report page in a real browser (Debian's chromium through playwright-core), with the
// worked example (rules §6) loaded through the real loader and aggregation: sign-in, the
// table against the API's CSV, the totals row against SQL's own total, the timeline
// against rules §6, the download's bytes, the chart, the URL, keyboard and small screens.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats, markLoaded } from './helpers/fixtures.ts';
import { loadWorkedExampleDay } from './helpers/worked-example-day.ts';
import { launchBrowser } from './helpers/browser.ts';
import { newPage as openPage, readTable, settled, signIn as signInAt } from './helpers/page-driver.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';
import { WORKED_EXAMPLE_LOADED, WORKED_EXAMPLE_SEGMENTS } from './helpers/timeline-worked-example.ts';

const db = useTestDatabase('page', 'Asia/Dubai');
const FIXTURE = new URL('./fixtures/worked-example/', import.meta.url);
const ARTIFACTS = new URL('./artifacts/', import.meta.url);
const TOKEN = 'page-test-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const RANGE = 'startDate=2025-09-07&startTime=09:00:00&endDate=2025-09-07&endTime=11:00:00';

let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  const { pool, url } = db();
  await loadWorkedExampleDay(pool);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: TOKEN }), pool, silentLogger);
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** RFC 4180 records of a CSV text (CRLF lines, quotes only where needed). */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((line) => {
      const out: string[] = [];
      let i = 0;
      while (i <= line.length) {
        if (line[i] === '"') {
          let v = '';
          i++;
          for (;;) {
            const q = line.indexOf('"', i);
            v += line.slice(i, q);
            i = q + 2;
            if (line[q + 1] !== '"') break;
            v += '"';
          }
          out.push(v);
        } else {
          const c = line.indexOf(',', i);
          const end = c < 0 ? line.length : c;
          out.push(line.slice(i, end));
          i = end + 1;
        }
      }
      return out;
    });
}

async function apiCsv(query: string): Promise<string[][]> {
  const r = await get(`${server.url}/api/report?${query}&bom=0`, AUTH);
  expect(r.status, r.text).toBe(200);
  return parseCsv(r.text);
}

const newPage = (width = 1366, height = 768) => openPage(browser, width, height);
const signIn = (page: Page, query = RANGE) => signInAt(page, `${server.url}/?${query}`, TOKEN);
const table = readTable;

/** The table's cells equal the CSV's, column by column of the CSV. */
function expectTableEqualsCsv(t: { headers: string[]; rows: string[][] }, csv: string[][]): void {
  const [header, ...records] = csv;
  const index = header!.map((h) => t.headers.indexOf(h));
  expect(index, 'every CSV column is in the table').not.toContain(-1);
  expect(t.rows.length).toBe(records.length);
  t.rows.forEach((row, r) => expect(index.map((i) => row[i]), `row ${r}`).toEqual(records[r]));
}

describe('the report page', () => {
  it('asks for a token, refuses a wrong one, and keeps a right one for the tab only', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/?${RANGE}`);
    await expect.poll(() => page.isVisible('#sign-in')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);
    await page.getByLabel('Token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.textContent('#sign-in-error')).toMatch(/token was refused/);
    expect(await page.isVisible('#app')).toBe(false);
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await settled(page);
    expect(await page.evaluate(() => sessionStorage.getItem('apr.token'))).toBe(TOKEN);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    // a reload in the same tab needs no new sign-in
    await page.reload();
    await settled(page);
    expect(await page.isVisible('#sign-in')).toBe(false);
    await page.close();
  });

  it("shows the API's rows in the table, cell for cell, and a totals row equal to SQL's own total", async () => {
    const page = await newPage();
    await signIn(page);
    const t = await table(page);
    expectTableEqualsCsv(t, await apiCsv(RANGE));
    expect(t.rows.map((r) => r[t.headers.indexOf('Ext')])).toEqual(['4101', '4102', '4101']);
    expect(t.headers.slice(0, 2)).toEqual(['Ext', 'Name']);

    // one agent: the totals row (computed in the page from sums) equals rules §6's total row
    await page.getByLabel('Search by name or extension').fill('layla');
    expect(await page.locator('#agent-list label:visible').allTextContents()).toEqual([' 4101 Layla Menon']);
    await page.getByLabel('4101 Layla Menon').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('ext')).toBe('4101');
    const one = await table(page);
    expectTableEqualsCsv(one, await apiCsv(`${RANGE}&ext=4101`));
    const [header, total] = parseCsv(readFileSync(new URL('v2/expected-total.csv', FIXTURE), 'utf8'));
    const shown = new Map(one.headers.map((h, i) => [h, one.totals[i]]));
    for (const [i, h] of header!.entries()) if (i >= 6) expect(shown.get(h), h).toBe(total![i]);
    expect(shown.get('AHT')).toBe('00:10:59');
    expect(shown.get('Answer Rate (%)')).toBe('33.33');
    expect(shown.get('Occupancy (%)')).toBe('21.97');

    // other intervals: 15 minutes, and the whole range as one row
    await page.getByLabel('Interval', { exact: true }).selectOption('15m');
    await page.getByRole('button', { name: 'Show' }).click();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('interval')).toBe('15m');
    const quarter = await table(page);
    expect(quarter.rows).toHaveLength(8);
    expectTableEqualsCsv(quarter, await apiCsv(`${RANGE}&ext=4101&interval=15m`));
    expectTableEqualsCsv(quarter, parseCsv(readFileSync(new URL('v2/expected-15m.csv', FIXTURE), 'utf8')));
    await page.getByLabel('Interval', { exact: true }).selectOption('total');
    await page.getByRole('button', { name: 'Show' }).click();
    await settled(page);
    const whole = await table(page);
    expectTableEqualsCsv(whole, await apiCsv(`${RANGE}&ext=4101&interval=total`));
    expectTableEqualsCsv(whole, [header!, total!]);
    await page.getByLabel('Interval', { exact: true }).selectOption('1h');

    // durations as seconds: the table follows the CSV of durations=seconds
    await page.getByLabel('Durations', { exact: true }).selectOption('seconds');
    await page.getByRole('button', { name: 'Show' }).click();
    await settled(page);
    expectTableEqualsCsv(await table(page), await apiCsv(`${RANGE}&ext=4101&durations=seconds`));
    await page.close();
  });

  it('keeps the choices in the URL, so a link opens the same view', async () => {
    const page = await newPage();
    await signIn(page, `${RANGE}&ext=4102&durations=seconds&line=answer_rate`);
    expect(await page.inputValue('#startTime')).toBe('09:00:00');
    expect(await page.inputValue('#endDate')).toBe('2025-09-07');
    expect(await page.inputValue('#durations')).toBe('seconds');
    expect(await page.inputValue('#line')).toBe('answer_rate');
    expect(await page.isChecked('#agent-list input[value="4102"]')).toBe(true);
    expectTableEqualsCsv(await table(page), await apiCsv(`${RANGE}&ext=4102&durations=seconds`));
    // the defaults: today in REPORT_TZ, a whole day
    const config = (await get(`${server.url}/api/config`)).json() as { today: string; timeZone: string; tokenRequired: boolean };
    expect(config.timeZone).toBe('Asia/Dubai');
    expect(config.tokenRequired).toBe(true);
    await page.goto(`${server.url}/`);
    await settled(page);
    expect(await page.inputValue('#startDate')).toBe(config.today);
    expect(await page.inputValue('#startTime')).toBe('00:00:00');
    await page.close();
  });

  it("opens 4101's timeline from its row: rules §6's segments, with state, reason, start and end on hover", async () => {
    const page = await newPage();
    await signIn(page);
    await page.locator('#table tbody tr:not(.spacer)').first().click();
    await expect.poll(() => page.textContent('#timeline h2')).toBe('Timeline of 4101 Layla Menon on 2025-09-07');
    const segs = await page.$$eval('#timeline .seg', (els) =>
      els.map((e) => [e.dataset.start!.slice(11, 19), e.dataset.end!.slice(11, 19), e.dataset.state!, e.dataset.reason ?? null]),
    );
    expect(segs).toEqual(WORKED_EXAMPLE_SEGMENTS);
    await page.hover('#timeline .seg[data-state="Tickets"]');
    const tip = await page.locator('#tooltip').textContent();
    expect(tip).toContain('Tickets');
    expect(tip).toContain('reason:  ON Tickets ');
    expect(tip).toContain('10:15:00 – 10:40:00');
    expect(await page.isVisible('#tooltip')).toBe(true);
    expect(new URL(page.url()).searchParams.get('timeline')).toBe('4101');
    // the link reopens it
    await page.reload();
    await settled(page);
    expect(await page.locator('#timeline .seg').count()).toBe(WORKED_EXAMPLE_SEGMENTS.length);
    await page.close();
  });

  it("downloads exactly the API's CSV: same bytes, same file name", async () => {
    const page = await newPage();
    await signIn(page, `${RANGE}&durations=seconds`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const api = await get(`${server.url}/api/report?${RANGE}&durations=seconds`, AUTH);
    expect(api.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readFileSync(await download.path())).toEqual(api.body);
    expect(`attachment; filename="${download.suggestedFilename()}"`).toBe(api.headers['content-disposition']);
    await page.close();
  });

  it('draws the chart: one stacked column per interval, a bar per non-empty group, a painted canvas', async () => {
    const page = await newPage();
    await signIn(page, `${RANGE}&ext=4101`);
    const drawn = await page.evaluate(() => {
      const canvas = document.getElementById('chart') as HTMLCanvasElement;
      const chart = (globalThis as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(canvas);
      const bars: string[] = [];
      chart.data.datasets.forEach((d: { type: string; label: string }, i: number) => {
        if (d.type !== 'bar' || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach((el: { y: number; base: number }, j: number) => {
          if (Math.abs(el.base - el.y) >= 1) bars.push(`${chart.data.labels[j]} ${d.label}`);
        });
      });
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      return { labels: chart.data.labels, bars, painted, line: chart.data.datasets.at(-1).data };
    });
    expect(drawn.labels).toEqual(['09:00 - 10:00', '10:00 - 11:00']);
    expect(drawn.bars.sort()).toEqual(
      [
        '09:00 - 10:00 Idle', '09:00 - 10:00 Talk', '09:00 - 10:00 Hold', '09:00 - 10:00 Wrap Up',
        '09:00 - 10:00 Non-Productive', '09:00 - 10:00 Login/Logoff/DND',
        '10:00 - 11:00 Idle', '10:00 - 11:00 Productive', '10:00 - 11:00 Non-Productive',
      ].sort(),
    );
    expect(drawn.line).toEqual([27.47, 0]);
    expect(drawn.painted).toBeGreaterThan(10_000);
    await page.close();
  });

  it('is reachable by keyboard with labelled controls, and readable at 1366×768 and 390 px (screenshots)', async () => {
    const page = await newPage();
    await signIn(page);
    const unlabelled = await page.$$eval('#app input, #app select, #app button', (els) =>
      els.filter((e) => {
        const el = e as HTMLInputElement;
        return !(el.labels?.length || el.getAttribute('aria-label') || el.textContent?.trim());
      }).length,
    );
    expect(unlabelled).toBe(0);
    const reached = new Set<string>();
    await page.focus('body');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || ''));
    }
    for (const id of ['startDate', 'startTime', 'endDate', 'endTime', 'interval', 'durations', 'line', 'agent-search', 'show', 'download']) {
      expect(reached, id).toContain(id);
    }
    // Enter on a row's Ext opens the timeline
    await page.getByRole('button', { name: 'Open the timeline of 4102 on 2025-09-07' }).press('Enter');
    await expect.poll(() => page.textContent('#timeline h2')).toMatch(/^Timeline of 4102 Omar Haddad/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('timeline-title');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.state)).toBe('Not Loaded');
    expect(await page.isVisible('#tooltip')).toBe(true);
    await page.locator('#table tbody tr:not(.spacer)').first().click();
    await expect.poll(() => page.textContent('#timeline h2')).toMatch(/^Timeline of 4101/);
    await page.hover('#timeline .seg[data-state="Lunch"]');
    await page.screenshot({ path: new URL('page-1366x768.png', ARTIFACTS).pathname, fullPage: true });
    await page.screenshot({ path: new URL('page-readme.png', ARTIFACTS).pathname, fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 1240 } });

    await page.mouse.move(0, 0);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.isVisible('#chart')).toBe(true);
    const box = await page.locator('#table').boundingBox();
    expect(box!.width).toBeGreaterThan(390); // the table scrolls inside its box, not the page
    await page.screenshot({ path: new URL('page-390.png', ARTIFACTS).pathname, fullPage: true });
    await page.close();
  });
});

describe('the report page with a gap in the loaded data', () => {
  it('shows the gap as Not Loaded in the chart, the table, the timeline and the data status (with the backfill command)', async () => {
    const { pool } = db();
    // loaded 08:00-09:50 and 10:10-11:00: a 20-minute gap
    await pool.query('DELETE FROM loaded_windows');
    await markLoaded(pool, WORKED_EXAMPLE_LOADED.from, WORKED_EXAMPLE_LOADED.from + 6600);
    await markLoaded(pool, WORKED_EXAMPLE_LOADED.from + 7800, WORKED_EXAMPLE_LOADED.to);
    await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
    const page = await newPage();
    await signIn(page, `${RANGE}&ext=4101`);
    const t = await table(page);
    expectTableEqualsCsv(t, await apiCsv(`${RANGE}&ext=4101`));
    const col = t.headers.indexOf('Not Loaded Time');
    expect(t.rows.map((r) => r[col])).toEqual(['00:10:00', '00:10:00']);
    expect(await page.locator('#table tbody tr.not-loaded').count()).toBe(2);
    const notLoaded = await page.evaluate(() => {
      const chart = (globalThis as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById('chart') as HTMLCanvasElement);
      const i = chart.data.datasets.findIndex((d: { label: string }) => d.label === 'Not Loaded');
      return { data: chart.data.datasets[i].data, drawn: chart.getDatasetMeta(i).data.map((el: { y: number; base: number }) => Math.abs(el.base - el.y) >= 1) };
    });
    // the share of each hour that is not loaded: 10 minutes of 60
    expect(notLoaded).toEqual({ data: [1 / 6, 1 / 6], drawn: [true, true] });
    const status = await page.textContent('#status');
    expect(status).toContain('Gap in the loaded data 2025-09-07 09:50 – 2025-09-07 10:10 (00:20:00): fill it with');
    expect(status).toContain('npm run backfill -- --from "2025-09-07 09:50" --to "2025-09-07 10:10"');
    expect(status).not.toContain('Every second of this range is loaded');
    await page.locator('#table tbody tr:not(.spacer)').first().click();
    await expect.poll(() => page.locator('#timeline .seg[data-state="Not Loaded"]').count()).toBe(3);
    const gap = await page.$$eval('#timeline .seg', (els) => els.filter((e) => e.dataset.start!.slice(11, 16) >= '09:45' && e.dataset.start!.slice(11, 16) < '10:15').map((e) => `${e.dataset.start!.slice(11, 16)} ${e.dataset.state}`));
    expect(gap).toEqual(['09:45 Lunch', '09:50 Not Loaded', '10:10 Offline']);
    await page.close();
  });
});

describe('another day: answered over offered, and an extension the timeline refuses', () => {
  // 2025-09-09 10:00-11:00 in Dubai: 4101 and an agent whose extension reads as a formula
  const FROM = 1757397600;
  const DAY9 = 'startDate=2025-09-09&startTime=10:00:00&endDate=2025-09-09&endTime=11:00:00';
  beforeAll(async () => {
    const { pool } = db();
    const idle = (ext: string, username: string) => ({ event: 'agent_idle', enabled: true, ext, username, state: 'available', Timestamp: FROM + 600 });
    await loadFixtureEvents(pool, { events: [idle('4101', 'Layla+Menon'), idle('=1+1', 'Formula+Agent')] }, null);
    await markLoaded(pool, FROM, FROM + 3600);
    // the platform says 4101 answered more than it was offered at 10:00: its Failed Calls is
    // 0, not -2; =1+1 failed 3 of 4 at 10:15
    const calls = (total: number, answered: number) => ({ name: 'x', tags: null, total_calls: total, answered_calls: answered, talked_time: 0, hold_time: 0, wrap_up_time: 0, idle_time: 0 });
    await loadFixtureStats(pool, { [`${FROM}-${FROM + 900}`]: { '4101': calls(1, 3) }, [`${FROM + 900}-${FROM + 1800}`]: { '=1+1': calls(4, 1) } });
    await pool.query("CALL sp_aggregate_range('2025-09-09 00:00:00', '2025-09-10 00:00:00')");
  });

  it("totals Failed Calls from the summed counts, as SQL's total of the range does", async () => {
    const page = await newPage();
    // quarter hours: the two rows with calls are in two intervals, each summed on its own
    await signIn(page, `${DAY9}&interval=15m`);
    const t = await table(page);
    const col = (h: string) => t.headers.indexOf(h);
    const counted = t.rows.filter((r) => r[col('Total Calls')] !== '0');
    expect(counted.map((r) => [r[col('Ext')], r[col('Interval')], r[col('Total Calls')], r[col('Answered Calls')], r[col('Failed Calls')]])).toEqual([
      ['4101', '10:00 - 10:15', '1', '3', '0'],
      ['=1+1', '10:15 - 10:30', '4', '1', '3'],
    ]);
    // 5 offered, 4 answered: 1 failed (the rows' own Failed Calls add up to 3)
    const sql = (await get(`${server.url}/api/intervals?${DAY9}&interval=total`, AUTH)).json() as { intervals: Record<string, number>[] };
    expect(sql.intervals[0]).toMatchObject({ total_calls: 5, answered_calls: 4, failed_calls: 1, answer_rate: 80 });
    expect([col('Total Calls'), col('Answered Calls'), col('Failed Calls'), col('Answer Rate (%)')].map((i) => t.totals[i])).toEqual(['5', '4', '1', '80.00']);
    await page.close();
  });

  it("clears the previous agent's timeline and says the server's reason", async () => {
    const page = await newPage();
    await signIn(page, DAY9);
    const row = (ext: string) => page.locator('#table tbody tr:not(.spacer)', { has: page.locator('td.ext', { hasText: ext }) });
    await row('4101').click();
    await expect.poll(() => page.textContent('#timeline h2')).toBe('Timeline of 4101 Layla Menon on 2025-09-09');
    expect(await page.locator('#timeline .seg').count()).toBeGreaterThan(0);
    const timeline = await get(`${server.url}/api/timeline?ext=${encodeURIComponent('=1+1')}&date=2025-09-09`, AUTH);
    expect(timeline.status).toBe(400);
    const reason = (timeline.json() as { error: string }).error;
    await row('=1+1').click();
    await expect.poll(() => page.textContent('#timeline .timeline-note')).toBe(`The timeline of =1+1 on 2025-09-09 could not be shown: ${reason}`);
    expect(await page.textContent('#timeline h2')).toBe('Timeline of =1+1 on 2025-09-09');
    expect(await page.locator('#timeline .seg').count()).toBe(0);
    expect(await page.locator('#timeline .segments tbody tr').count()).toBe(0);
    expect(await page.isVisible('#timeline .axis span')).toBe(false);
    // the report stays; the URL keeps no timeline (neither the refused one nor the cleared one)
    expect(await page.locator('#table tbody tr:not(.spacer)').count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('timeline')).toBeNull();
    await page.close();
  });
});

describe('the report page without tokens (loopback only)', () => {
  it('asks for nothing and shows the data', async () => {
    const open = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), db().pool, silentLogger);
    const page = await newPage();
    try {
      await page.goto(`${open.url}/?${RANGE}`);
      await settled(page);
      expect(await page.isVisible('#sign-in')).toBe(false);
      expect(await page.isVisible('#sign-out')).toBe(false);
      expect(await page.locator('#table tbody tr:not(.spacer)').count()).toBe(3);
    } finally {
      await page.close();
      await open.close();
    }
  });

  it('is served over HTTPS on the same port when TLS is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apr-page-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = await startHttpServer(
      testConfig(db().url, 'Asia/Dubai', { REPORT_API_TOKENS: TOKEN, TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') }),
      db().pool,
      silentLogger,
    );
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    try {
      expect(tls.url).toMatch(/^https:/);
      await page.goto(`${tls.url}/?${RANGE}`);
      await page.getByLabel('Token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await settled(page);
      expect(await page.locator('#table tbody tr:not(.spacer)').count()).toBe(3);
    } finally {
      await context.close();
      await tls.close();
    }
  });

  it('serves the page and its assets without a token, with a strict content security policy', async () => {
    for (const path of ['/', '/page/app.js', '/page/style.css', '/vendor/chart.umd.min.js', '/api/config']) {
      const r = await get(`${server.url}${path}`);
      expect(r.status, path).toBe(200);
    }
    const html = await get(`${server.url}/`);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect((await get(`${server.url}/page/../package.json`)).status).toBe(404);
    expect((await get(`${server.url}/api/status`)).status).toBe(401);
  });
});
