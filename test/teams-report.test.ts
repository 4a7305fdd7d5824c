// Teams in the report (rules §9) on the worked example (rules §6): with one team North
// holding 4101, by=team gives the rows of expected.csv with columns 5 and 6 reading North
// and 1 (fixtures README), for every interval, from the API and the CLI; team filters,
// unknown teams and the intersection with ext.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadWorkedExample } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { importTeams } from '../src/access/teams.ts';
import { BOM, get, parseCsv, testConfig } from './helpers/report.ts';

const db = useTestDatabase('teams-report', 'Asia/Dubai');
const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'worked-example');
const RANGE = 'startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=11:00:00';
const FILES = [
  ['expected.csv', RANGE],
  ['expected-15m.csv', `${RANGE}&interval=15m`],
  ['expected-total.csv', `${RANGE}&interval=total`],
  ['expected-day.csv', 'startDate=2025-09-07&interval=day'],
] as const;

let srv: Awaited<ReturnType<typeof startHttpServer>>;

/** The expected file with columns 5 and 6 as a team row of `team` with one agent. */
function asTeam(file: string, team: string): string {
  const text = readFileSync(join(FIXTURE, 'v2', file), 'utf8');
  return text
    .split('\r\n')
    .map((line, i) => {
      if (line === '') return line;
      const cells = parseCsv(line + '\r\n')[0]!;
      const quoted = (c: string) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
      if (i === 0) return line.replace(',Ext,Name,', ',Team,Agents,');
      cells[4] = team;
      cells[5] = '1';
      return cells.map(quoted).join(',');
    })
    .join('\r\n');
}

beforeAll(async () => {
  const { pool } = db();
  await loadWorkedExample(pool, FIXTURE);
  await importTeams(pool, [
    { team: 'North', ext: '4101' },
    { team: 'Nobody', ext: '9999' },
    { team: 'Empty', ext: null },
  ]);
  srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), pool, silentLogger);
});

afterAll(async () => {
  await srv?.close();
});

describe('by=team on the worked example (rules §9)', () => {
  for (const [file, query] of FILES) {
    it(`${file}: the North row is the agent's row with North and 1 in columns 5 and 6`, async () => {
      const r = await get(`${srv.url}/api/report?${query}&by=team&team=North`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.subarray(0, 3).equals(BOM)).toBe(true);
      expect(r.body.subarray(3).toString('utf8')).toBe(asTeam(file, 'North'));
      // without team: every team with a member row; Nobody (9999 has no rows) and Empty have none
      const all = await get(`${srv.url}/api/report?${query}&by=team`);
      expect(all.body.subarray(3).toString('utf8')).toBe(asTeam(file, 'North'));
    });
  }

  it('JSON has the keys team and agents in place of ext and name', async () => {
    const r = await get(`${srv.url}/api/report?${RANGE}&by=team&format=json`);
    const rows = r.json() as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!).slice(4, 6)).toEqual(['team', 'agents']);
    expect(rows[0]).toMatchObject({ interval: '09:00 - 10:00', team: 'North', agents: 1, staffed_time: 3599, offline_time: 1, not_loaded_time: 0, answer_rate: 33.33 });
    expect(rows[0]).not.toHaveProperty('ext');
  });

  it('team filters the agent rows; with ext, the agents in both', async () => {
    const agent = (await get(`${srv.url}/api/report?${RANGE}&bom=0`)).text;
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=North`)).text).toBe(agent);
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=North&ext=4101,5000`)).text).toBe(agent);
    const header = agent.split('\r\n')[0] + '\r\n';
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=Nobody`)).text).toBe(header);
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=Empty`)).text).toBe(header);
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=North&ext=9999`)).text).toBe(header);
    // names are trimmed, repeated once
    expect((await get(`${srv.url}/api/report?${RANGE}&bom=0&team=${encodeURIComponent(' North ,North')}`)).text).toBe(agent);
  });

  it('an unknown team is a 400 naming it; a malformed one or by says what to fix', async () => {
    const unknown = await get(`${srv.url}/api/report?${RANGE}&team=North,south`);
    expect(unknown.status).toBe(400);
    expect((unknown.json() as { error: string }).error).toMatch(/no team is named "south"/);
    for (const [q, re] of [
      ['team=', /team must be a comma-separated list of team names.*empty/],
      ['team=A,,B', /empty/],
      ['by=teams', /by must be agent .* or team/],
      ['team=A&team=B', /team is given more than once/],
    ] as const) {
      const r = await get(`${srv.url}/api/report?${RANGE}&${q}`);
      expect(r.status, q).toBe(400);
      expect((r.json() as { error: string }).error, q).toMatch(re);
    }
  });

  it('npm run report -- --by team --team North writes the same bytes; an unknown team exits 2', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-teams-'));
    const run = (flags: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        execFile(
          process.execPath,
          [join(ROOT, 'dist', 'cli', 'report.js'), ...flags],
          { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, REPORT_TZ: 'Asia/Dubai' } },
          (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
        );
      });
    const ok = await run(['--startDate', '2025-09-07', '--interval', 'day', '--by', 'team', '--team', 'North', '--out', join(cwd, 'n.csv')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'n.csv')).subarray(3).toString('utf8')).toBe(asTeam('expected-day.csv', 'North'));
    const bad = await run(['--startDate', '2025-09-07', '--team', 'Sud', '--out', join(cwd, 'x.csv')]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr.trim())).toEqual({ error: 'no team is named "Sud": check the name (names are compared exactly)' });
  });
});
