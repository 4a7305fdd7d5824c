/// <reference lib="dom" />
// The page with a token scoped to one team (rules §9), in a real browser: after sign-in it
// shows the token's name and scope, a team picker of that team only, agent lists of that
// team only, and by=team as a view whose table equals the API's team rows; nothing of the
// other team appears anywhere on the page.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from './helpers/database.ts';
import { loadWorkedExample } from './helpers/fixtures.ts';
import { launchBrowser } from './helpers/browser.ts';
import { settled } from './helpers/page-driver.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { importTeams } from '../src/access/teams.ts';
import { addToken } from '../src/access/tokens.ts';
import { get, parseCsv, testConfig } from './helpers/report.ts';

const db = useTestDatabase('teams-page', 'Asia/Dubai');
const FIXTURE = join(resolve(import.meta.dirname), 'fixtures', 'worked-example');
const ARTIFACTS = new URL('./artifacts/', import.meta.url);
const RANGE = 'startDate=2025-09-07&startTime=09:00:00&endDate=2025-09-07&endTime=11:00:00';
const OUTSIDE = ['5202', 'Zora', 'Outsider', 'South'];
const OUTSIDER = [
  { event: 'agent_idle', enabled: true, ext: '5202', username: 'Zora+Outsider', state: 'available', Timestamp: 1757222400 },
  { event: 'agent_idle', enabled: false, ext: '5202', username: 'Zora+Outsider', state: 'available', Timestamp: 1757225000 },
];

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let north: string;

beforeAll(async () => {
  const { pool, url } = db();
  await loadWorkedExample(pool, FIXTURE, OUTSIDER);
  await importTeams(pool, [
    { team: 'North', ext: '4101' },
    { team: 'South', ext: '5202' },
  ]);
  north = await addToken(pool, 'sup-north', ['North']);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai', { REPORT_API_TOKENS: 'env-token' }), pool, silentLogger);
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`${server.url}/?${query}`);
  await page.getByLabel('Token').fill(north);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page);
  return page;
}

const tableRows = (page: Page) =>
  page.evaluate(() => {
    const t = document.getElementById('table') as HTMLTableElement;
    // (the spacer rows stand for the rows out of view)
    return { headers: [...t.tHead!.rows[0]!.cells].map((c) => c.textContent), rows: [...t.tBodies[0]!.rows].filter((r) => !r.classList.contains('spacer')).map((r) => [...r.cells].map((c) => c.textContent)) };
  });

describe('the page with a scoped token', () => {
  it("shows the token's name and scope, its team alone in the picker and its agents alone", async () => {
    const page = await signedIn(RANGE);
    expect(await page.textContent('#whoami')).toBe('Signed in as sup-north: teams North');
    expect(await page.isVisible('#team-box')).toBe(true);
    expect(await page.$$eval('#team-list input', (xs) => xs.map((x) => (x as HTMLInputElement).value))).toEqual(['North']);
    expect(await page.$$eval('#agent-list input', (xs) => xs.map((x) => (x as HTMLInputElement).value))).toEqual(['4101']);
    const html = await page.content();
    for (const s of OUTSIDE) expect(html).not.toContain(s);
    await page.close();
  });

  it('by=team is a view: the table shows the API team rows, Team and Agents leading (columns 5 and 6 of the CSV)', async () => {
    const page = await signedIn(RANGE);
    await page.getByLabel('Rows per').selectOption('team');
    await page.getByLabel('North').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('by')).toBe('team');
    expect(new URL(page.url()).searchParams.get('team')).toBe('North');
    const t = await tableRows(page);
    expect(t.headers.slice(0, 2)).toEqual(['Team', 'Agents']);
    const csv = parseCsv((await get(`${server.url}/api/report?${RANGE}&by=team&team=North&bom=0`, { Authorization: `Bearer ${north}` })).text);
    // the page's order: Team, Agents, then the CSV's columns 1-4 and 7 on
    expect(t.rows.map((r) => [r[2], r[3], r[0], r[1], r[6]])).toEqual(csv.slice(1).map((r) => r.slice(0, 2).concat(r.slice(4, 7))));
    expect(t.rows.map((r) => r[0])).toEqual(['North', 'North']);
    await page.screenshot({ path: new URL('teams-page.png', ARTIFACTS).pathname, fullPage: true });
    const html = await page.content();
    for (const s of OUTSIDE) expect(html).not.toContain(s);
    await page.close();
  });

  it('a link naming another team shows the API refusal, not its data', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?${RANGE}&ext=5202`);
    await page.getByLabel('Token').fill(north);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await settled(page);
    expect(await page.textContent('#message')).toMatch(/ext "5202" is outside this token's scope/);
    expect(await page.$$eval('#table tbody tr', (rows) => rows.length)).toBe(0);
    const body = await page.evaluate(() => document.body.innerText);
    for (const s of ['Zora', 'Outsider', 'South']) expect(body).not.toContain(s);
    await page.close();
  });
});
