/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The Now view in a real browser (Debian's chromium through playwright-core), over
// simulated agents whose data reaches a minute ago: tiles and counts equal to GET
// /api/live, an overrun marked in text as well as colour, search, a refresh that keeps
// the tiles and the scroll position, the wallboard at 1920x1080, a phone, the stale-data
// warning, and a break row that opens the agent's timeline. Screenshots go to docs/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from './helpers/database.ts';
import { launchBrowser } from './helpers/browser.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';
import { insertEvents, setLoaded } from './reference/sql.ts';
import { randomAgentTimeline, rng } from './reference/timelines.ts';
import type { RefEvent } from './reference/model.ts';

const db = useTestDatabase('page-now', 'Asia/Dubai');
const TOKEN = 'now-page-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
// screenshots for a reader to look at (docs/now-*.png are copies of these); test/artifacts is not committed
const SHOT = (name: string) => {
  const dir = fileURLToPath(new URL('./artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}`;
};
const dayStart = (t: number) => DateTime.fromSeconds(t, { zone: 'Asia/Dubai' }).startOf('day').toSeconds();
// The breaks table lists the breaks that begin today (local): one must begin after the
// local midnight and before the horizon (a minute before now), so in the first 90 s of the
// local day the test waits until there is room for it.
{
  const now = Date.now() / 1000;
  const wait = dayStart(now) + 90 - now;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait * 1000));
}
const NOW = Math.floor(Date.now() / 1000);
const FROM = NOW - NOW % 3600 - 30 * 3600;
// a break that begins today whatever the time of day (Layla's lunch began two hours ago,
// which is yesterday in the first two hours of the day)
const TODAY_BREAK = Math.max(dayStart(NOW) + 30, NOW - 900);

let server: { url: string; close(): Promise<void> };
let browser: Browser;

interface LiveAgent { ext: string; name: string; state: string; seconds: number; over_limit: boolean }
interface Live { age_seconds: number; counts: Record<string, number>; agents: LiveAgent[] }

async function live(): Promise<Live> {
  return JSON.parse((await get(`${server.url}/api/live`, AUTH)).body.toString('utf8')) as Live;
}

async function loadUpTo(horizon: number): Promise<void> {
  await setLoaded(db().pool, [{ from: FROM, to: horizon }]);
  await db().pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, horizon + 3600]);
}

beforeAll(async () => {
  const { pool, url } = db();
  const r = rng(7);
  const events: RefEvent[] = [];
  for (let a = 0; a < 36; a++) events.push(...randomAgentTimeline(r, String(3100 + a), FROM, NOW));
  // one agent at lunch for two hours: over its limit of one hour
  events.push({ ext: '3999', ts: NOW - 7200, seq: 0, event: 'agent_not_avail_state', enabled: true, state: 'Lunch Break' });
  events.push({ ext: '3998', ts: TODAY_BREAK, seq: 0, event: 'agent_not_avail_state', enabled: true, state: 'Tea Break' });
  await insertEvents(pool, events);
  await pool.query("INSERT INTO agents (ext, name) SELECT DISTINCT ext, CONCAT('Agent ', ext) FROM agent_events");
  await pool.query("UPDATE agents SET name = 'Layla Menon' WHERE ext = '3999'");
  await pool.query("UPDATE agents SET name = 'Omar Haddad' WHERE ext = '3998'");
  await loadUpTo(NOW - 60);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: TOKEN }), pool, silentLogger);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string, viewport: { width: number; height: number }, fakeClock = false): Promise<Page> {
  const page = await browser.newPage({ viewport });
  // (before the page runs, so that its 30 s refresh timer is on the test's clock)
  if (fakeClock) await page.clock.install();
  await page.addInitScript((t) => sessionStorage.setItem('apr.token', t), TOKEN);
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('#board .tile');
  return page;
}

describe('the Now view', () => {
  it('is reached from the report page by a link named Now', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript((t) => sessionStorage.setItem('apr.token', t), TOKEN);
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Now', exact: true }).click();
    await page.waitForSelector('#board .tile');
    expect(new URL(page.url()).pathname).toBe('/now');
    await page.close();
  });

  it('shows every agent of GET /api/live as a tile, with the counts, and marks the overrun in text', async () => {
    const page = await open('/now', { width: 1366, height: 768 });
    const api = await live();
    const tiles = await page.$$eval('#board .tile', (els) =>
      els.map((el) => ({ name: el.querySelector('.name')!.textContent, state: el.querySelector('.state')!.textContent, over: el.querySelector('.over-flag')!.textContent })),
    );
    expect(tiles.map((t) => t.name)).toEqual(api.agents.map((a) => a.name));
    expect(tiles.map((t) => t.state!.split(':')[0])).toEqual(api.agents.map((a) => a.state));
    const counts = await page.$$eval('#counts li', (els) => els.map((el) => el.textContent));
    expect(counts).toEqual(Object.entries(api.counts).map(([s, n]) => `${s}: ${n}`));
    const layla = tiles.find((t) => t.name === 'Layla Menon')!;
    expect(layla.state).toBe('Lunch: Lunch Break');
    expect(layla.over).toMatch(/^⚠ over by 0[01]:\d\d:\d\d$/);
    expect(api.agents.find((a) => a.name === 'Layla Menon')!.over_limit).toBe(true);
    expect(await page.isVisible('#stale')).toBe(false);
    await page.screenshot({ path: SHOT('now-laptop.png'), fullPage: false });
    await page.close();
  });

  it('search narrows the tiles; a refresh keeps the tiles and the scroll position', async () => {
    const page = await open('/now', { width: 1366, height: 500 }, true);
    // the first refresh has ended (the breaks table is drawn): the one the clock brings is the next
    await page.waitForSelector('#breaks tbody tr');
    await page.fill('#now-search', '3999');
    expect(await page.$$eval('#board .tile:not([hidden]) .ext', (els) => els.map((e) => e.textContent))).toEqual(['3999']);
    await page.fill('#now-search', '');
    await page.evaluate(() => {
      document.querySelectorAll('#board .tile').forEach((el) => ((el as HTMLElement & { mark?: number }).mark = 1));
      window.scrollTo(0, 300);
    });
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    let calls = 0;
    await page.route('**/api/live*', async (route) => {
      calls++;
      await route.continue();
    });
    await page.clock.runFor(31_000);
    await expect.poll(() => calls).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    const kept = await page.$$eval('#board .tile', (els) => els.every((el) => (el as HTMLElement & { mark?: number }).mark === 1));
    expect(kept).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await open('/now', { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: SHOT('now-phone.png'), fullPage: false });
    await page.close();
  });

  it('opens the wallboard from its link: large type, no controls, at 1920x1080', async () => {
    const page = await open('/now', { width: 1920, height: 1080 });
    await page.getByRole('link', { name: 'Wallboard' }).click();
    await page.waitForSelector('body.wallboard #board .tile');
    expect(new URL(page.url()).searchParams.get('wallboard')).toBe('1');
    expect(await page.isVisible('#now-controls')).toBe(false);
    expect(await page.isVisible('#breaks-section')).toBe(false);
    const px = await page.$eval('#board .tile .time', (el) => parseFloat(getComputedStyle(el).fontSize));
    expect(px).toBeGreaterThanOrEqual(32);
    await page.screenshot({ path: SHOT('now-wallboard.png'), fullPage: false });
    await page.close();
  });

  it('a break row opens the agent’s timeline of the day on the report page', async () => {
    const page = await open('/now', { width: 1366, height: 768 });
    await page.waitForSelector('#breaks tbody tr');
    const row = page.locator('#breaks tbody tr', { hasText: 'Omar Haddad' }).first();
    await row.locator('td').nth(1).click();
    await page.waitForSelector('#timeline:not([hidden])');
    expect(await page.textContent('#timeline h2')).toContain('3998');
    await page.close();
  });

  it('warns of stale data when the horizon is older than two collector periods', async () => {
    await loadUpTo(NOW - 40 * 60);
    try {
      expect((await live()).age_seconds).toBeGreaterThan(1200);
      const page = await open('/now', { width: 1366, height: 768 });
      await page.waitForSelector('#stale:not([hidden])');
      expect(await page.textContent('#stale')).toMatch(/^Stale data: loaded up to .* ago \(more than two collector periods of 10 min\)\.$/);
      await page.close();
    } finally {
      await loadUpTo(NOW - 60);
    }
  });
});

describe('the Now view with teams', () => {
  it('offers the teams and shows only the chosen team’s agents, in the board and the breaks', async () => {
    await db().pool.query("INSERT INTO teams (name) VALUES ('North'), ('South')");
    await db().pool.query("INSERT INTO team_members (team, ext) VALUES ('North', '3999'), ('North', '3101'), ('South', '3102')");
    const page = await open('/now', { width: 1366, height: 768 });
    await page.waitForSelector('#now-team-field:not([hidden])');
    expect(await page.$$eval('#now-team option', (els) => els.map((e) => e.textContent))).toEqual(['All teams', 'North', 'South']);
    await page.selectOption('#now-team', 'North');
    await expect.poll(() => page.$$eval('#board .tile .ext', (els) => els.map((e) => e.textContent).sort())).toEqual(
      (JSON.parse((await get(`${server.url}/api/live?team=North`, AUTH)).body.toString('utf8')) as Live).agents.map((a) => a.ext).sort(),
    );
    expect(new URL(page.url()).searchParams.get('team')).toBe('North');
    await expect.poll(() => page.$$eval('#breaks tbody tr td:first-child', (els) => els.every((e) => /\((3999|3101)\)$/.test(e.textContent ?? '')))).toBe(true);
    expect(await page.getAttribute('#wallboard-link', 'href')).toBe('/now?wallboard=1&team=North');
    await page.close();
  });

  it('a team chosen while an answer for all teams is on its way shows that team: the late answer is dropped', async () => {
    const page = await open('/now', { width: 1366, height: 768 }, true);
    await page.waitForSelector('#breaks tbody tr');
    const north = (JSON.parse((await get(`${server.url}/api/live?team=North`, AUTH)).body.toString('utf8')) as Live).agents.map((a) => a.ext).sort();
    const boardExts = () => page.$$eval('#board .tile .ext', (els) => els.map((e) => e.textContent).sort());
    expect(await boardExts()).not.toEqual(north);
    // from now on, answers for all teams take 1.5 s
    let late = 0;
    await page.route(
      (url) => /^\/api\/(live|breaks)$/.test(url.pathname) && !url.searchParams.has('team'),
      async (route) => {
        late++;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue().catch(() => {}); // (the page may have cancelled it meanwhile)
      },
    );
    await page.clock.runFor(31_000);
    await expect.poll(() => late).toBeGreaterThan(0);
    await page.selectOption('#now-team', 'North');
    await expect.poll(boardExts).toEqual(north);
    // the all-teams answers would have arrived by now
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await boardExts()).toEqual(north);
    expect(await page.$$eval('#breaks tbody tr td:first-child', (els) => els.every((e) => /\((3999|3101)\)$/.test(e.textContent ?? '')))).toBe(true);
    await page.close();
  });
});
