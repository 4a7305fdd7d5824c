// Tokens in the database and what a scoped one sees (rules §9). Two teams on the worked
// example's day: North (4101, Layla Menon) and South (5202, Zora Outsider). A token made
// for North walks every endpoint; no byte of any answer (body or headers) carries South's
// extension, name or team name, and its rows equal the full-access rows of North's agent.
// Naming what lies outside is a 403 that names only what was asked. Revoked tokens are
// refused on every server within the refresh; last use is recorded; REPORT_API_TOKENS keep
// full access; a public HOST may start with database tokens only.
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadWorkedExample } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger, silentLogger } from '../src/log.ts';
import { importTeams } from '../src/access/teams.ts';
import { addToken, listTokens, revokeToken } from '../src/access/tokens.ts';
import { REFRESH_MS } from '../src/access/token-store.ts';
import { get, testConfig, type RawResponse } from './helpers/report.ts';

const db = useTestDatabase('teams-scope', 'Asia/Dubai');
const FIXTURE = join(resolve(import.meta.dirname), 'fixtures', 'worked-example');
const DAY = 'startDate=2025-09-07';
const ENV_TOKEN = 'env-full-token-1';
/** What a North token must never see. */
const OUTSIDE = ['5202', 'Zora', 'Outsider', 'South'];

const OUTSIDER = [
  { event: 'agent_idle', enabled: true, ext: '5202', username: 'Zora+Outsider', state: 'available', Timestamp: 1757222400 },
  { event: 'agent_idle', enabled: false, ext: '5202', username: 'Zora+Outsider', state: 'available', Timestamp: 1757225000 },
  { event: 'agent_not_avail_state', enabled: true, ext: '5202', username: 'Zora+Outsider', state: 'Lunch', Timestamp: 1757225000 },
];

let srv: { url: string; close(): Promise<void> };
const log = memoryLogger();
let north: string;
let admin: string;
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

beforeAll(async () => {
  const { pool } = db();
  await loadWorkedExample(pool, FIXTURE, OUTSIDER);
  await importTeams(pool, [
    { team: 'North', ext: '4101' },
    { team: 'South', ext: '5202' },
  ]);
  north = await addToken(pool, 'sup-north', ['North']);
  admin = await addToken(pool, 'admin', null);
  srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_API_TOKENS: ENV_TOKEN }), pool, log);
});

afterAll(async () => {
  await srv?.close();
});

/** Body and headers as one text, for the leak check. */
const allBytes = (r: RawResponse) => JSON.stringify(r.headers) + r.body.toString('latin1') + r.text;

function noLeak(r: RawResponse, what: string): void {
  const text = allBytes(r);
  for (const s of OUTSIDE) expect(text, `${what} shows ${s}`).not.toContain(s);
}

const REPORT_QUERIES = ['15m', '30m', '1h', 'day', 'week', 'total'].flatMap((interval) =>
  ['csv', 'json'].flatMap((format) => ['agent', 'team'].map((by) => `${DAY}&interval=${interval}&format=${format}&by=${by}`)),
);

describe('a token scoped to North', () => {
  it('the data really holds South: the full-access tokens see it', async () => {
    for (const t of [admin, ENV_TOKEN]) {
      const r = await get(`${srv.url}/api/report?${DAY}&interval=day&bom=0`, auth(t));
      expect(r.status).toBe(200);
      expect(r.text).toContain('5202,Zora Outsider');
      expect((await get(`${srv.url}/api/report?${DAY}&by=team&interval=day&bom=0`, auth(t))).text).toContain('South,1');
    }
  });

  it('walks every endpoint and never sees a byte of South', async () => {
    const paths = [
      ...REPORT_QUERIES.map((q) => `/api/report?${q}`),
      `/api/report?${DAY}&team=North&by=team`,
      '/api/timeline?ext=4101&date=2025-09-07',
      '/api/whoami',
      '/api/status',
      '/api/config',
      '/healthz',
      '/',
      '/page/app.js',
      '/metrics',
      '/no-such-path',
    ];
    for (const path of paths) {
      const r = await get(srv.url + path, auth(north));
      expect([200, 403, 404], path).toContain(r.status);
      noLeak(r, path);
    }
  });

  it('gets exactly the full-access rows of its own agents, totals included', async () => {
    for (const q of REPORT_QUERIES.filter((x) => x.includes('by=agent'))) {
      const mine = await get(`${srv.url}/api/report?${q}`, auth(north));
      const full = await get(`${srv.url}/api/report?${q}&ext=4101`, auth(admin));
      expect(mine.body.equals(full.body), q).toBe(true);
      expect(mine.headers['content-disposition']).toBe(full.headers['content-disposition']);
    }
    const teamRows = (await get(`${srv.url}/api/report?${DAY}&by=team&interval=total&format=json`, auth(north))).json() as { team: string }[];
    expect(teamRows.map((r) => r.team)).toEqual(['North']);
  });

  it('says who it is and which teams it may pick', async () => {
    expect((await get(`${srv.url}/api/whoami`, auth(north))).json()).toEqual({ name: 'sup-north', access: 'teams', teams: ['North'] });
    expect((await get(`${srv.url}/api/whoami`, auth(admin))).json()).toEqual({ name: 'admin', access: 'full', teams: ['North', 'South'] });
    expect((await get(`${srv.url}/api/whoami`, auth(ENV_TOKEN))).json()).toEqual({ name: null, access: 'full', teams: ['North', 'South'] });
  });

  it('naming an extension or team outside it is a 403 naming only what was asked', async () => {
    const cases = [
      [`/api/report?${DAY}&ext=5202`, '5202'],
      [`/api/report?${DAY}&ext=4101,5202&format=json`, '5202'],
      [`/api/report?${DAY}&ext=7777`, '7777'], // no such agent: refused alike, so nothing is learnt
      [`/api/report?${DAY}&team=South`, 'South'],
      [`/api/report?${DAY}&team=Nowhere&by=team`, 'Nowhere'],
      [`/api/report?${DAY}&team=North&ext=5202`, '5202'],
      ['/api/timeline?ext=5202&date=2025-09-07', '5202'],
    ] as const;
    for (const [path, named] of cases) {
      const r = await get(srv.url + path, auth(north));
      expect(r.status, path).toBe(403);
      const { error } = r.json() as { error: string };
      expect(error, path).toContain(`"${named}"`);
      expect(error, path).toContain('North');
      for (const s of OUTSIDE.filter((x) => x !== named)) expect(error, path).not.toContain(s);
    }
    // for full access an unknown team is a 400, an unknown ext just has no rows
    expect((await get(`${srv.url}/api/report?${DAY}&team=Nowhere`, auth(admin))).status).toBe(400);
    expect((await get(`${srv.url}/api/report?${DAY}&ext=7777`, auth(admin))).status).toBe(200);
  });

  it('/metrics is for full access only', async () => {
    expect((await get(`${srv.url}/metrics`, auth(north))).status).toBe(403);
    expect((await get(`${srv.url}/metrics`, auth(admin))).status).toBe(200);
  });
});

describe('database tokens', () => {
  it('are refused once revoked, on every server, within the refresh', async () => {
    const { pool } = db();
    const temp = await addToken(pool, 'temp', ['North']);
    const second = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_API_TOKENS: ENV_TOKEN }), pool, silentLogger);
    try {
      for (const u of [srv.url, second.url]) {
        // a token made after the server started is accepted once the tokens are re-read
        await new Promise((r) => setTimeout(r, REFRESH_MS + 200));
        expect((await get(`${u}/api/whoami`, auth(temp))).status).toBe(200);
      }
      expect(await revokeToken(pool, 'temp')).toBe(true);
      await new Promise((r) => setTimeout(r, REFRESH_MS + 200));
      for (const u of [srv.url, second.url]) expect((await get(`${u}/api/report?${DAY}`, auth(temp))).status).toBe(401);
      expect(await revokeToken(pool, 'temp')).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('record their last use, never their value', async () => {
    const made = (await listTokens(db().pool)).find((t) => t.name === 'sup-north')!.createdAt;
    expect((await get(`${srv.url}/api/status`, auth(north))).status).toBe(200);
    let used: number | null = null;
    for (let i = 0; i < 50 && used === null; i++) {
      used = (await listTokens(db().pool)).find((t) => t.name === 'sup-north')!.lastUsedAt;
      if (used === null) await new Promise((r) => setTimeout(r, 100));
    }
    // (written at most once a minute per server: the first use above is the one recorded)
    expect(used).toBeGreaterThanOrEqual(made);
    expect(used).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const [rows] = await db().pool.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(north);
  });

  it('are named in the access log (caller), never logged themselves', async () => {
    expect(log.lines.some((l) => l.includes('sup-north'))).toBe(true);
    for (const l of log.lines) for (const t of [north, admin, ENV_TOKEN, north.slice(4, 20)]) expect(l).not.toContain(t);
  });

  it('refuse a wrong token, a prefix of a right one, and another scheme', async () => {
    for (const h of [auth(north.slice(0, -1)), auth(north + 'x'), auth('apr_' + 'x'.repeat(43)), { Authorization: `Basic ${north}` }, {}]) {
      expect((await get(`${srv.url}/api/report?${DAY}`, h as Record<string, string>)).status).toBe(401);
    }
  });

  it('protect a server with no REPORT_API_TOKENS, on loopback and on a public HOST', async () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const s = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { HOST: host }), db().pool, silentLogger);
      try {
        const u = s.url.replace('0.0.0.0', '127.0.0.1');
        expect((await get(`${u}/api/report?${DAY}`)).status, host).toBe(401);
        expect((await get(`${u}/api/config`)).json(), host).toMatchObject({ tokenRequired: true });
        expect((await get(`${u}/api/whoami`, auth(north))).status, host).toBe(200);
      } finally {
        await s.close();
      }
    }
  });
});
