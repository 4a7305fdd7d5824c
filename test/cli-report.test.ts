// `npm run report`: the same bytes as GET /api/report, the default file name in the
// current folder, exit code 2 with the API's message for bad input.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { BOM, get, insertBulkActivity, seedWorkedExampleActivity, setAgent, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('cli-report', 'Asia/Dubai');
const london = useTestDatabase('cli-report-london', 'Europe/London');
const ROOT = resolve(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'src', 'cli', 'report.ts');
const EXPECTED = readFileSync(join(ROOT, 'test', 'fixtures', 'worked-example', 'v2', 'expected.csv'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string, databaseUrl = db().url, reportTz = 'Asia/Dubai'): Promise<Run> {
  return new Promise((done) => {
    execFile(
      TSX,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, REPORT_TZ: reportTz }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const { pool, url } = db();
  await seedWorkedExampleActivity(pool);
  // Simulated data for a range of days: 25 agents, every hour of 2025-10-01..10-08, with names
  // that need quoting or defusing.
  await insertBulkActivity(pool, '2025-10-01 00:00:00', '2025-10-08 00:00:00', 25);
  await setAgent(pool, '1001', 'Smith, John');
  await setAgent(pool, '1002', '=cmd|calc');
  await setAgent(pool, '1003', 'Anna "Ace" Ng');
  await setAgent(pool, '1004', 'ليلى مينون');
  await setHorizon(pool, Date.parse('2025-10-08T00:00:00Z') / 1000);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai'), pool, silentLogger);
});

afterAll(async () => {
  await server?.close();
});

describe('npm run report', () => {
  it('writes the worked example to report_<start>_to_<end>.csv here and says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
    const run = await runCli(['--startDate', '2025-09-07', '--endDate=2025-09-07', '--startTime', '09:00:00', '--endTime=11:00:00'], cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = join(cwd, 'report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv');
    expect(run.stdout.trim()).toBe(`wrote ${file} (2 rows)`);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 3).equals(BOM)).toBe(true);
    expect(bytes.subarray(3).equals(EXPECTED)).toBe(true);
    expect(readdirSync(cwd)).toEqual(['report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv']);
  });

  it('writes the same bytes as the API for the same requests over a range of days', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
    const cases: [string, string[]][] = [
      ['startDate=2025-10-01&endDate=2025-10-08', ['--startDate', '2025-10-01', '--endDate', '2025-10-08']],
      ['startDate=2025-10-02&startTime=13:00:00&bom=0', ['--startDate=2025-10-02', '--startTime=13:00:00', '--no-bom']],
      ['startDate=2025-10-01&endDate=2025-10-05&endTime=06:30:00&durations=seconds', ['--startDate', '2025-10-01', '--endDate', '2025-10-05', '--endTime', '06:30:00', '--durations', 'seconds']],
      ['startDate=2025-10-03&endDate=2025-10-06&ext=1004,1001,1002,1003,1019', ['--startDate', '2025-10-03', '--endDate', '2025-10-06', '--ext', '1004,1001,1002,1003,1019']],
    ];
    let total = 0;
    for (const [i, [query, args]] of cases.entries()) {
      const api = await get(`${server.url}/api/report?${query}`);
      expect(api.status).toBe(200);
      const out = join(cwd, `case${i}.csv`);
      const run = await runCli([...args, '--out', out], cwd);
      expect(run.code, run.stderr).toBe(0);
      const rows = api.text.split('\r\n').length - 2;
      expect(run.stdout.trim()).toBe(`wrote ${out} (${rows} rows)`);
      expect(readFileSync(out).equals(api.body), query).toBe(true);
      total += rows;
    }
    // the cases are not trivially empty: 7 days × 24 h × 25 agents in the first alone
    expect(total).toBeGreaterThan(7 * 24 * 25);
    const first = readFileSync(join(cwd, 'case0.csv'), 'utf8');
    expect(first).toContain('"Smith, John"');
    expect(first).toContain(`'=cmd|calc`);
    expect(first).toContain('"Anna ""Ace"" Ng"');
    expect(first).toContain('ليلى مينون');
  });

  it('writes the same bytes as the API across the DST change in Europe/London', async () => {
    const { pool, url } = london();
    await insertBulkActivity(pool, '2025-10-24 00:00:00', '2025-10-29 00:00:00', 12);
    const srv = await startHttpServer(testConfig(url, 'Europe/London'), pool, silentLogger);
    try {
      const api = await get(`${srv.url}/api/report?startDate=2025-10-25&startTime=12:00:00&endDate=2025-10-27&endTime=12:00:00`);
      expect(api.status).toBe(200);
      expect(api.text.split('\r\n').length - 2).toBe(49 * 12); // 48 wall-clock hours, one of them twice
      expect(api.text).toContain('01:00 - 01:00,26-Oct');
      const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
      const run = await runCli(['--startDate', '2025-10-25', '--startTime', '12:00:00', '--endDate', '2025-10-27', '--endTime', '12:00:00'], cwd, url, 'Europe/London');
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(cwd, 'report_2025-10-25T12-00-00_to_2025-10-27T12-00-00.csv')).equals(api.body)).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('exits with code 2 and the API message for bad input, writing nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
    const cases: [string, string[]][] = [
      ['startDate=2025-02-30', ['--startDate', '2025-02-30']],
      ['startDate=2025-09-07&endTime=10:00:00', ['--startDate', '2025-09-07', '--endTime', '10:00:00']],
      ['startDate=2025-01-01&endDate=2025-06-01', ['--startDate=2025-01-01', '--endDate=2025-06-01']],
      ["startDate=2025-09-07&ext=4101'%20OR%201=1", ['--startDate', '2025-09-07', '--ext', "4101' OR 1=1"]],
      ['startDate=2025-09-07&durations=minutes', ['--startDate', '2025-09-07', '--durations', 'minutes']],
    ];
    // CLI start-up dominates: run them side by side.
    await Promise.all(
      cases.map(async ([query, args]) => {
        const api = await get(`${server.url}/api/report?${query}`);
        expect(api.status).toBe(400);
        const run = await runCli(args, cwd);
        expect(run.code, query).toBe(2);
        expect(run.stdout).toBe('');
        expect(JSON.parse(run.stderr), query).toEqual(api.json());
      }),
    );
    const usage = [[], ['--startDate'], ['--startDate', '2025-09-07', '--startDate', '2025-09-08'], ['--bogus', '1']];
    await Promise.all(
      usage.map(async (args) => {
        const run = await runCli(args, cwd);
        expect(run.code, args.join(' ')).toBe(2);
        expect((JSON.parse(run.stderr) as { error: string }).error, args.join(' ')).toMatch(/startDate|--|argument/);
      }),
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses an --out that names a folder: exit 2, one line naming a file to give instead', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
    const folder = join(cwd, 'reports');
    mkdirSync(folder);
    const run = await runCli(['--startDate', '2025-09-07', '--out', folder], cwd);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect((JSON.parse(run.stderr) as { error: string }).error).toBe(
      `--out ${folder} is a folder: name a file, e.g. --out ${join(folder, 'report_2025-09-07_to_2025-09-08.csv')} (see npm run report -- --help)`,
    );
    expect(readdirSync(cwd)).toEqual(['reports']);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('prints usage with --help', async () => {
    const run = await runCli(['--help'], tmpdir());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run report -- --startDate YYYY-MM-DD/);
    for (const flag of ['--endDate', '--startTime', '--endTime', '--ext', '--out', '--no-bom', '--durations']) expect(run.stdout).toContain(flag);
  });

  it('leaves no file behind when the database is unreachable', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-cli-'));
    const run = await runCli(['--startDate', '2025-09-07'], cwd, 'mysql://root@127.0.0.1:1/apr');
    expect(run.code).toBe(5); // the database cannot be used (README, exit codes)
    // said as every command says a database it cannot use
    const error = (JSON.parse(run.stderr) as { error: string }).error;
    expect(error).toMatch(/DATABASE_URL/);
    expect(error).not.toMatch(/the report could not be written/);
    expect(existsSync(join(cwd, 'report_2025-09-07_to_2025-09-08.csv'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
