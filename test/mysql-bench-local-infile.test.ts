// MySQL 8 ships with local_infile off, so the benchmark's raw LOAD DATA figure may be
// refused. The same refusal is met here from the client side: a connection that does not
// offer the local-infile capability (mysql2's flags=-LOCAL_FILES in DATABASE_URL) is
// refused by the server's same check (MySQL error 3948, MariaDB 4166).
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withDatabase } from '../src/config.ts';
import { serverUrl } from './helpers/database.ts';

const run = promisify(execFile);

describe('npm run bench where the server refuses LOAD DATA LOCAL INFILE', () => {
  it('prints the limit as unavailable with the reason, and every other figure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apr-bench-'));
    try {
      const out = join(dir, 'bench.json');
      const url = new URL(withDatabase(serverUrl(), 'apr_bench_refused'));
      url.searchParams.set('flags', '-LOCAL_FILES');
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/bench.ts', '--agents', '3', '--days', '1', '--no-scale', '--no-day', '--out', out],
        { env: { ...process.env, DATABASE_URL: url.toString(), API_BASE: '' }, timeout: 280_000 },
      );
      expect(stdout).toMatch(/limit: raw LOAD DATA\s+unavailable/);
      expect(stdout).toMatch(/load \/ limit\s+unavailable/);
      expect(stdout).toMatch(/limit: raw LOAD DATA unavailable: the server refused LOAD DATA LOCAL INFILE \(error (3948|4166|1148): .*SET GLOBAL local_infile = 1/);
      const figures = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
      expect(figures.limit_load_eps).toBeNull();
      expect(figures.load_vs_limit).toBeNull();
      expect(figures.limit_unavailable).toMatch(/refused LOAD DATA LOCAL INFILE/);
      for (const k of ['load_eps', 'reload_eps', 'e2e_seconds', 'agg_full_seconds', 'report_day_s']) expect(figures[k], k).toBeTypeOf('number');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
