// The benchmark command works end to end in its small mode (speed is not asserted here).
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withDatabase } from '../src/config.ts';
import { serverUrl } from './helpers/database.ts';

const run = promisify(execFile);

const KEYS = [
  'agents', 'days', 'events', 'limit_load_eps', 'load_eps', 'reload_eps', 'e2e_seconds', 'e2e_eps', 'agg_full_seconds',
  'agg_full_eps', 'agg_hour_median_s', 'collector_run_s', 'report_day_s', 'report_31d_s', 'report_31d_rss_growth_mb',
];

describe('npm run bench -- --agents 20 --days 1 --no-day', () => {
  it('prints the table and writes every figure to the JSON file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apr-bench-'));
    try {
      const out = join(dir, 'bench.json');
      const { stdout } = await run(
        process.execPath,
        ['dist/cli/bench.js', '--agents', '20', '--days', '1', '--no-scale', '--no-day', '--out', out],
        { env: { ...process.env, DATABASE_URL: withDatabase(serverUrl(), 'apr_bench_smoke'), API_BASE: '' }, timeout: 120_000 },
      );
      expect(stdout).toMatch(/limit: raw LOAD DATA/);
      expect(stdout).toMatch(/end-to-end backfill/);
      const figures = JSON.parse(await readFile(out, 'utf8')) as Record<string, number>;
      for (const k of KEYS) expect(figures[k], k).toBeTypeOf('number');
      expect(figures.agents).toBe(20);
      expect(figures.days).toBe(1);
      // --no-day: the one-day backfills at 200 and 1,000 agents were not run
      expect(figures.backfill_day_200_s).toBeNull();
      // about 130 events per agent-day: the dataset is the one the targets assume
      expect(figures.events).toBeGreaterThan(20 * 80);
      expect(figures.events).toBeLessThan(20 * 200);
      for (const k of KEYS.filter((k) => k.endsWith('_eps'))) expect(figures[k], k).toBeGreaterThan(0);
      // the page in Chromium: timed, or not measured with the reason
      const page = figures as unknown as { page_31d_1h_s: number | null; page_unavailable: string | null };
      if (page.page_31d_1h_s === null) expect(page.page_unavailable).toMatch(/\w/);
      else expect(page.page_31d_1h_s).toBeGreaterThan(0);
      expect(stdout).toMatch(/page in Chromium, 31 days at 1h: first rows/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
