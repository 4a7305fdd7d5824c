// Smaller holes: an extension a spreadsheet would run as a formula, silent connections,
// part of the upstream token in logs, HEAD for monitors, bidirectional controls in names.
import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { fixedUpstream, type FixedUpstream } from './helpers/fixed-upstream.ts';
import { startHttpServer } from '../src/http/server.ts';
import { loadConfig } from '../src/config.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { cleanName } from '../src/names.ts';
import { memoryLogger } from '../src/log.ts';
import { get, hourStarts, insertActivity, parseCsv, setAgent, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('robust-holes');
const log = memoryLogger();
let server: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  const [h] = await hourStarts(db().pool, '2025-09-07 09:00:00', '2025-09-07 10:00:00');
  await insertActivity(db().pool, [
    { hourStart: h!, ext: '=1+1', idle_s: 60 },
    { hourStart: h!, ext: '@SUM(A1:A9)', idle_s: 60 },
    { hourStart: h!, ext: '-2', idle_s: 60 },
  ]);
  await setAgent(db().pool, '-2', '+cmd');
  await setHorizon(db().pool, h! + 3600);
  server = await startHttpServer(testConfig(db().url, db().reportTz), db().pool, log);
});
afterAll(async () => {
  await server?.close();
});

describe('formula injection through the extension', () => {
  it('every text field a spreadsheet would run gets the leading quote', async () => {
    const csv = parseCsv((await get(`${server!.url}/api/report?startDate=2025-09-07&bom=0`)).text);
    const fields = csv.slice(1).map((r) => [r[4], r[5]]);
    expect(fields).toEqual(expect.arrayContaining([["'=1+1", ''], ["'@SUM(A1:A9)", ''], ["'-2", "'+cmd"]]));
    for (const row of csv.slice(1)) for (const f of row.slice(4, 6)) expect(f).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('such an extension cannot be picked with ext= nor opened in the timeline: 400', async () => {
    const r = await get(`${server!.url}/api/report?startDate=2025-09-07&ext=-2`);
    expect(r.status).toBe(400);
    expect((r.json() as { error: string }).error).toMatch(/not starting with '-'/);
    const t = await get(`${server!.url}/api/timeline?ext=-2&date=2025-09-07`);
    expect(t.status).toBe(400);
    expect((t.json() as { error: string }).error).toMatch(/not starting with "-"/);
  });
});

describe('HEAD', () => {
  it('answers on / and /healthz, without a body', async () => {
    for (const path of ['/', '/healthz']) {
      const r = await get(`${server!.url}${path}`, {}, 'HEAD');
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(0);
    }
    expect((await get(`${server!.url}/api/status`, {}, 'HEAD')).status).toBe(405);
  });
});

describe('a connection that sends nothing', () => {
  it('is closed within seconds, not kept for minutes', async () => {
    const u = new URL(server!.url);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const s = connect(Number(u.port), u.hostname);
      s.on('error', () => {});
      s.on('close', () => resolve());
      setTimeout(() => {
        s.destroy();
        reject(new Error('still open after 40 s'));
      }, 40_000);
    });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('bidirectional controls in names', () => {
  it('are cleaned like the other controls', () => {
    expect(cleanName('Layla\u202EanneM\u202C Menon')).toBe('Layla anneM Menon');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
      expect(cleanName(`A${c}B`)).toBe('A B');
    }
  });
});

describe('an upstream error that echoes the token', () => {
  const TOKEN = 'tokSECRET' + 'x'.repeat(30) + 'ENDofTOKEN';
  let upstream: FixedUpstream | undefined;
  afterAll(() => upstream?.close());

  it('is scrubbed whole, then cut: no part of the token in fetch_log or the run message', async () => {
    const echo = (res: ServerResponse) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`${'e'.repeat(170)} Authorization: Bearer ${TOKEN}`);
    };
    upstream = await fixedUpstream(echo, '{}', TOKEN);
    const cfg = loadConfig({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, API_BASE: upstream.url, API_USERNAME: 'u', API_PASSWORD: 'p-holes', TENANT: 't', ACCOUNT_ID: 'a' });
    const T = Date.UTC(2025, 8, 9, 8) / 1000;
    const s = await runBackfill(cfg, db().pool, { fromTs: T, toTs: T + 3600, log });
    expect(s.failed).toHaveLength(1);
    const texts = [
      ...(await rows<{ error: string }>(db().pool, 'SELECT error FROM fetch_log WHERE error IS NOT NULL')).map((r) => r.error),
      ...(await rows<{ message: string }>(db().pool, 'SELECT message FROM collector_runs WHERE message IS NOT NULL')).map((r) => r.message),
      ...log.lines,
    ];
    expect(texts.some((t) => t.includes('eeee'))).toBe(true);
    for (const t of texts) expect(t).not.toMatch(/tokSECRET/);
  });
});
