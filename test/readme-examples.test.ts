// The README's curl examples, run as a newcomer runs them: against a service loaded as
// `npm start` loads it on its first run (the built-in simulator, DEMO_SIMULATOR, the last
// day and a half up to now), with today's and yesterday's dates as the examples compute
// them. Each must answer with data: a CSV with rows, a JSON array with rows, a timeline
// of a named agent with states in it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { startHttpServer } from '../src/http/server.ts';
import { startSimulator } from '../src/simulator/server.ts';
import { DEMO_CREDENTIALS, DEMO_SIMULATOR } from '../src/simulator/demo.ts';
import { upstreamFromConfig } from '../src/upstream/client.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { silentLogger } from '../src/log.ts';
import { testConfig } from './helpers/report.ts';

const db = useTestDatabase('readme-examples', 'Asia/Dubai');
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ADDRESS = 'http://127.0.0.1:6699';

/** Each sh block of the README that calls the service: its lines, continuations joined. */
function examples(): string[] {
  return [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!.replace(/\\\n\s*/g, ''))
    .filter((block) => block.includes(`curl`) && block.includes(ADDRESS))
    // (the teams example needs teams and a token made first: its commands are tested in teams-cli)
    .filter((block) => !block.includes('npm run '))
    // (a line with [optional parts] is a synopsis, not a command)
    .map((block) => block.split('\n').filter((l) => /^(DAY|TODAY)=|^curl /.test(l) && !/\[\?/.test(l)).join('\n'))
    .filter((block) => block.includes('curl '));
}

function sh(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH, TOKEN: '' }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let server: { url: string; close(): Promise<void> };
let simulator: { url: string; close(): Promise<unknown> };

beforeAll(async () => {
  const { pool, url } = db();
  const cfg = testConfig(url, 'Asia/Dubai');
  simulator = await startSimulator({ port: 0, ...DEMO_SIMULATOR, pageSize: cfg.apiPageSize });
  const upstream = upstreamFromConfig(cfg, { baseUrl: simulator.url, ...DEMO_CREDENTIALS, log: silentLogger });
  const now = Math.floor(Date.now() / 1000);
  const fromTs = DateTime.fromSeconds(now, { zone: 'Asia/Dubai' }).startOf('day').minus({ days: 1 }).toSeconds();
  try {
    const s = await runBackfill(cfg, pool, { fromTs, toTs: now, concurrency: 2, log: silentLogger, upstream });
    expect(s.failed).toEqual([]);
  } finally {
    await upstream.close();
  }
  server = await startHttpServer(cfg, pool, silentLogger);
}, 600_000);

afterAll(async () => {
  await server?.close();
  await simulator?.close();
});

describe("the README's examples", () => {
  it('are found: the report of today, the CSV, the JSON and the timeline examples', () => {
    expect(examples().length).toBeGreaterThanOrEqual(4);
  });

  it('each answers with data on the built-in simulator', async () => {
    for (const example of examples()) {
      const cwd = mkdtempSync(join(tmpdir(), 'apr-readme-'));
      const run = await sh(`set -e\n${example.replaceAll(ADDRESS, server.url)}`, cwd);
      expect(run.code, `${example}\n${run.stderr}`).toBe(0);
      const file = /-o (\S+)/.exec(example)?.[1];
      if (file) {
        const lines = readFileSync(join(cwd, file), 'utf8').split('\r\n').filter((l) => l !== '');
        expect(lines.length, example).toBeGreaterThan(1);
        expect(lines[0], example).toMatch(/Interval,Date,Start Time/);
        continue;
      }
      const body = JSON.parse(run.stdout) as unknown;
      if (Array.isArray(body)) {
        expect(body.length, example).toBeGreaterThan(0);
      } else {
        const t = body as { name: string | null; segments: { state: string }[] };
        expect(t.name, example).not.toBeNull();
        expect(t.segments.some((s) => !['Not Loaded', 'Offline'].includes(s.state)), example).toBe(true);
      }
    }
  }, 120_000);
});
