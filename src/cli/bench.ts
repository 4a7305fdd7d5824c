// npm run bench -- [--agents 1000] [--days 30] [--seed 1] [--out bench-results.json] [--no-scale] [--no-day]
import { writeFile } from 'node:fs/promises';
import type { BenchFigures } from '../bench/run.ts';
import { wholeFlag } from '../numbers.ts';
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';

const HELP = `Usage: npm run bench -- [--agents 1000] [--days 30] [--seed 1] [--out bench-results.json] [--no-scale] [--no-day]

Runs the whole pipeline on a fresh throw-away database (on the server of DATABASE_URL)
against the in-process simulator, and prints one table of figures:
  limit      LOAD DATA LOCAL INFILE of the same events into a bare copy of agent_events
             (unavailable, with the reason, where the server refuses it: MySQL 8's default)
  load       the loader's insert path (with dedup), given parsed events; re-load: again
  e2e        backfill of the whole range: simulator HTTP, parse, load, aggregate
  agg        sp_aggregate_range over every hour; median sp_aggregate_hour of 20 busy hours
  collector  one incremental collector run, ten minutes after the range
  report     GET /api/report for one day and for 31 days (also by=team, ten teams), the
             server in its own process
  page       the page at / in Chromium, 31 days at 1h: navigation to the table's first
             rows on screen (not measured, with the reason, without Chromium or
             playwright-core)
  start-up   npm run backfill -- --help, whole process (median of 5), and under node alone
  day        npm run backfill of one local day from the simulator over HTTP, whole process
             (median of 3), at 200 and 1000 agents, and its start to the first window
             (--no-day skips it)
Unless --no-scale, it runs again with a tenth of the agents and shows how each figure
grows. The figures also go to --out as JSON (default bench-results.json).`;

interface Row {
  label: string;
  key: keyof BenchFigures;
  unit: string;
  /** true when a bigger number means more work done per second (rates). */
  rate?: boolean;
  /** What the figure should reach on this machine (for 1,000 agents × 30 days). */
  target?: string;
  /** Measured once, in the main run only (the scale run leaves it blank). */
  once?: boolean;
}

const ROWS: Row[] = [
  { label: 'dataset: events', key: 'events', unit: '' },
  { label: 'dataset: stats rows', key: 'stats_rows', unit: '' },
  { label: 'limit: raw LOAD DATA', key: 'limit_load_eps', unit: 'events/s', rate: true },
  { label: 'load (insert path, dedup)', key: 'load_eps', unit: 'events/s', rate: true },
  { label: 're-load (all duplicates)', key: 'reload_eps', unit: 'events/s', rate: true },
  { label: 'load / limit', key: 'load_vs_limit', unit: '×', target: '≥ 0.8' },
  { label: 'end-to-end backfill', key: 'e2e_seconds', unit: 's', target: '≤ 90' },
  { label: 'end-to-end backfill', key: 'e2e_eps', unit: 'events/s', rate: true },
  { label: 'end-to-end cost per event', key: 'e2e_us_per_event', unit: 'µs', target: '10000 agents × 2 days: ≤ 1.2 × 1000 × 30' },
  { label: 'aggregate, full range', key: 'agg_full_seconds', unit: 's' },
  { label: 'aggregate, full range', key: 'agg_full_eps', unit: 'events/s', rate: true, target: '≥ 150000' },
  { label: 'aggregate, one hour (median)', key: 'agg_hour_median_s', unit: 's', target: '≤ 0.2' },
  { label: 'collector run', key: 'collector_run_s', unit: 's', target: '≤ 1.5' },
  { label: 'report, one day', key: 'report_day_s', unit: 's', target: '≤ 1 (10000 agents: ≤ 5)' },
  { label: 'report, one day', key: 'report_day_rows_per_s', unit: 'rows/s', rate: true },
  { label: 'report, one day: server peak RSS', key: 'report_day_peak_rss_mb', unit: 'MB' },
  { label: 'report, one day at 15m', key: 'report_day_15m_s', unit: 's', target: '≤ 1' },
  { label: 'report, one day at 15m: rows', key: 'report_day_15m_rows', unit: '' },
  { label: 'live state (GET /api/live)', key: 'live_s', unit: 's', target: '≤ 0.3 (10000 agents: ≤ 1)' },
  { label: 'breaks, one day (GET /api/breaks)', key: 'breaks_day_s', unit: 's', target: '≤ 1' },
  { label: 'breaks, one day: rows', key: 'breaks_day_rows', unit: '' },
  { label: 'report, 31 days', key: 'report_31d_s', unit: 's', target: '≤ 5' },
  { label: 'report, 31 days: rows', key: 'report_31d_rows', unit: '' },
  { label: 'report, 31 days: RSS growth', key: 'report_31d_rss_growth_mb', unit: 'MB', target: '≤ 100' },
  { label: 'report, 31 days, total', key: 'report_31d_total_s', unit: 's', target: '≤ 2' },
  { label: 'report, 31 days at 15m as JSON', key: 'report_31d_15m_json_s', unit: 's' },
  { label: 'report, 31 days at 15m as JSON: rows', key: 'report_31d_15m_json_rows', unit: '' },
  { label: 'report, 31 days at 15m as JSON: RSS growth', key: 'report_31d_15m_json_rss_growth_mb', unit: 'MB', target: '≤ 100' },
  { label: 'report, 31 days by team (ten teams)', key: 'by_team_31d_s', unit: 's', target: '≤ 5' },
  { label: 'report, 31 days by team: rows', key: 'by_team_31d_rows', unit: '' },
  { label: 'page in Chromium, 31 days at 1h: first rows', key: 'page_31d_1h_s', unit: 's', target: '≤ 3' },
  { label: 'start-up: npm run backfill -- --help', key: 'startup_npm_s', unit: 's', target: '≤ 0.4' },
  { label: 'start-up: node dist/cli/backfill.js --help', key: 'startup_node_s', unit: 's' },
  { label: 'backfill one day, 200 agents, whole process', key: 'backfill_day_200_s', unit: 's', once: true, target: '≤ 0.8' },
  { label: 'backfill one day, 1000 agents, whole process', key: 'backfill_day_1000_s', unit: 's', once: true, target: '≤ 2.5' },
  { label: 'backfill: command start to first window', key: 'backfill_startup_s', unit: 's', once: true, target: '≤ 0.3' },
  { label: 'server: InnoDB buffer pool', key: 'innodb_buffer_pool_mb', unit: 'MB' },
];

function table(main: BenchFigures, small: BenchFigures | undefined): string {
  const head = small
    ? ['figure', `${small.agents} agents`, `${main.agents} agents`, 'unit', 'growth (time)']
    : ['figure', `${main.agents} agents`, 'unit'];
  head.push('target');
  const lines = [head];
  for (const r of ROWS) {
    const cells = [r.label];
    if (small) cells.push(r.once ? '' : String(small[r.key] ?? 'unavailable'));
    cells.push(String(main[r.key] ?? 'unavailable'), r.unit);
    if (small) {
      const a = Number(small[r.key]);
      const b = Number(main[r.key]);
      // growth in time: for a rate, work grew by `events` ratio and time by that over the rate ratio
      const growth = r.rate ? (main.events / small.events) * (a / b) : r.unit === 's' ? b / a : NaN;
      cells.push(Number.isFinite(growth) ? `${growth.toFixed(1)}×` : '');
    }
    cells.push(r.target ?? '');
    lines.push(cells);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

await runCommand({ name: 'bench', help: HELP, flags: { values: ['agents', 'days', 'seed', 'out'], switches: ['no-scale', 'no-day'] } }, async ({ flags, cfg }) => {
  const agents = wholeFlag(flags.values, 'agents', { min: 1, max: 100_000 }) ?? 1000;
  const days = wholeFlag(flags.values, 'days', { min: 1, max: 366 }) ?? 30;
  const seed = wholeFlag(flags.values, 'seed', { min: 1, max: 2 ** 31 - 1 }) ?? 1;
  const out = flags.values.get('out') ?? 'bench-results.json';
  const progress = (line: string) => console.error(`bench: ${line}`);
  const started = new Date();
  const { runBench } = await import('../bench/run.ts');
  const main = await runBench(cfg, { agents, days, seed, progress, dayBackfills: !flags.switches.has('no-day') });
  let small: BenchFigures | undefined;
  if (!flags.switches.has('no-scale') && agents >= 10) {
    progress(`again with ${Math.round(agents / 10)} agents, to show how cost grows`);
    small = await runBench(cfg, { agents: Math.round(agents / 10), days, seed, progress });
  }
  console.log(`\nAPR benchmark, ${started.toISOString().slice(0, 10)}, ${days} days, seed ${seed}, REPORT_TZ=${cfg.reportTz}\n`);
  console.log(table(main, small));
  if (main.limit_unavailable) console.log(`\nlimit: raw LOAD DATA unavailable: ${main.limit_unavailable}`);
  if (main.page_unavailable) console.log(`\npage: not measured: ${main.page_unavailable}`);
  await writeFile(out, JSON.stringify({ ...main, date: started.toISOString(), seed, report_tz: cfg.reportTz, scale: small ?? null }, null, 2) + '\n');
  console.log(`\nfigures written to ${out}`);
  return EXIT.OK;
});
