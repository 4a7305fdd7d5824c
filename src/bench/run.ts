// npm run bench: the pipeline on a fresh throw-away database against the in-process
// simulator, figure by figure. Each figure times only its own step.
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import { withDatabase } from '../config.ts';
import { connect, createPool } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { ensureDayPartitions } from '../db/partitions.ts';
import { silentLogger, type Logger } from '../log.ts';
import { startSimulator } from '../simulator/server.ts';
import { eventsBody } from '../simulator/payload.ts';
import { normalizeEvents } from '../upstream/normalize.ts';
import { upstreamFromConfig } from '../upstream/client.ts';
import { loadEvents } from '../load/events.ts';
import { runBackfill } from '../backfill/backfill.ts';
import { wipeStaging } from '../backfill/wipe.ts';
import { runCollector } from '../collector/collector.ts';
import { createBareCopy, rawLoad } from './raw-load.ts';
import { startReportServer, timeReport } from './report-probe.ts';
import { timePage } from './page-probe.ts';
import { startupSeconds } from './startup.ts';
import { dayBackfill } from './backfill-day.ts';

export interface BenchOptions {
  agents: number;
  days: number;
  seed: number;
  /** Print a line per step. */
  progress: (line: string) => void;
  /** Also time one day's backfill, whole process, at 200 and 1,000 agents (the main run only). */
  dayBackfills?: boolean;
}

export interface BenchFigures {
  agents: number;
  days: number;
  events: number;
  stats_rows: number;
  /** null when the server refuses LOAD DATA LOCAL INFILE (limit_unavailable says why). */
  limit_load_eps: number | null;
  limit_unavailable: string | null;
  load_eps: number;
  reload_eps: number;
  load_vs_limit: number | null;
  e2e_seconds: number;
  e2e_eps: number;
  /** End-to-end microseconds per event: a scale run (--agents 10000 --days 2) compares this. */
  e2e_us_per_event: number;
  agg_full_seconds: number;
  agg_full_eps: number;
  agg_hour_median_s: number;
  collector_run_s: number;
  report_day_s: number;
  /** GET /api/live (every agent) and the day's GET /api/breaks, through HTTP. */
  live_s: number;
  breaks_day_s: number;
  breaks_day_rows: number;
  report_day_rows: number;
  report_day_rows_per_s: number;
  report_day_peak_rss_mb: number;
  report_31d_s: number;
  report_31d_rows: number;
  report_31d_rss_growth_mb: number;
  report_day_15m_s: number;
  report_day_15m_rows: number;
  report_31d_total_s: number;
  report_31d_15m_json_s: number;
  report_31d_15m_json_rows: number;
  report_31d_15m_json_rss_growth_mb: number;
  /** The 31-day report by hour with by=team: ten teams splitting the agents (rules §9). */
  by_team_31d_s: number;
  by_team_31d_rows: number;
  /** The page in Chromium: 31 days at 1h, navigation to the first table rows visible (null: page_unavailable says why). */
  page_31d_1h_s: number | null;
  page_unavailable: string | null;
  /** The server's InnoDB buffer pool: 4M events and their indexes need about 1 GB to stay in memory. */
  innodb_buffer_pool_mb: number;
  /** `npm run backfill -- --help`, whole process, median of 5. */
  startup_npm_s: number;
  /** `node dist/cli/backfill.js --help`, median of 5. */
  startup_node_s: number;
  /** One local day's `backfill` from the simulator over HTTP, whole process, median of 3 (null: not run). */
  backfill_day_200_s: number | null;
  backfill_day_1000_s: number | null;
  /** That command's start to its first window, at 1,000 agents. */
  backfill_startup_s: number | null;
}

/** The simulated range ends at noon UTC, so the collector's last run sees a busy hour. */
const END_TS = Date.UTC(2025, 9, 1, 12) / 1000;
const DAY = 86400;

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function one<T>(pool: Pool, sql: string, params: unknown[] = []): Promise<T> {
  const [rows] = await pool.query(sql, params);
  return (rows as T[])[0]!;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

export async function runBench(cfg: Config, opts: BenchOptions): Promise<BenchFigures> {
  const { agents, days, seed, progress } = opts;
  const dbName = `apr_bench_${process.pid}_${agents}`;
  const dbUrl = withDatabase(cfg.databaseUrl, dbName);
  const fromTs = END_TS - days * DAY;
  let simNow = END_TS;
  const sim = await startSimulator({ agents, seed, days: days + 1, now: () => simNow, pageSize: cfg.apiPageSize });
  const benchCfg: Config = { ...cfg, databaseUrl: dbUrl, apiBase: sim.url, apiUsername: 'bench', apiPassword: 'bench', tenant: 'bench', accountId: 'bench' };
  let pool: Pool | undefined;
  try {
    // Only the calendar the run reads (the 31-day report reaches past the range's end):
    // filling all of 2000-2050 would add a minute or more of set-up and change no figure.
    const calendar = {
      from: DateTime.fromSeconds(fromTs, { zone: cfg.reportTz }).minus({ days: 2 }).toISODate()!,
      to: DateTime.fromSeconds(END_TS, { zone: cfg.reportTz }).plus({ days: 40 }).toISODate()!,
    };
    await migrate({ databaseUrl: dbUrl, reportTz: cfg.reportTz, calendar });
    pool = createPool(dbUrl, { connectionLimit: 8 });
    // the range's days as partitions before the first load (as a backfill does), so the
    // limit's bare copy has them too
    await ensureDayPartitions(pool, cfg.reportTz, fromTs, END_TS + DAY);
    const bufferPoolMb = Math.round((await one<{ b: number }>(pool, 'SELECT @@innodb_buffer_pool_size AS b')).b / 1048576);
    progress('process start-up: npm run backfill -- --help, five times');
    const startup = startupSeconds();
    const log: Logger = silentLogger;

    // 1. limit, load, re-load: the same already-parsed events, a day at a time
    progress(`load: ${agents} agents x ${days} days, parsed events a day at a time`);
    const raw = await connect(dbUrl);
    await createBareCopy(raw);
    let events = 0;
    let rawS = 0;
    let rawRefused: string | null = null;
    let loadS = 0;
    let reloadS = 0;
    for (let c = fromTs; c < END_TS; c += DAY) {
      const body = eventsBody(sim.world.events(c, Math.min(c + DAY, END_TS), Number.MAX_SAFE_INTEGER));
      const parsed = normalizeEvents(JSON.parse(body)).events;
      events += parsed.length;
      if (rawRefused === null) {
        const ms = await rawLoad(raw, parsed);
        if (typeof ms === 'number') rawS += ms / 1000;
        else {
          rawRefused = ms.refused;
          progress(`limit: unavailable: ${rawRefused}`);
        }
      }
      loadS += (await timed(() => loadEvents(pool!, parsed)))[1];
      reloadS += (await timed(() => loadEvents(pool!, parsed)))[1];
    }
    await raw.query('DROP TABLE bench_raw_events');
    await raw.end();

    // 2. end to end: simulator HTTP, parse, load, aggregate, from an empty staging
    await wipeStaging(pool);
    progress(`end-to-end backfill of ${events} events`);
    const [summary, e2eS] = await timed(() => runBackfill(benchCfg, pool!, { fromTs, toTs: END_TS, log }));
    if (summary.failed.length > 0) throw new Error(`backfill failed for ${summary.failed.length} window(s): ${summary.failed[0]!.error}`);
    const statsRows = (await one<{ n: number }>(pool, 'SELECT COUNT(*) AS n FROM users_calls')).n;

    // 3. aggregate, full range, through the operator's procedure
    const span = await one<{ lo: string; hi: string }>(
      pool,
      'SELECT MIN(local_start) AS lo, MAX(local_end) AS hi FROM report_hours WHERE hour_start >= ? AND hour_end <= ?',
      [fromTs, END_TS],
    );
    progress(`aggregate: sp_aggregate_range('${span.lo}', '${span.hi}')`);
    const aggFullS = (await timed(() => pool!.query('CALL sp_aggregate_range(?, ?)', [span.lo, span.hi])))[1];

    // 4. aggregate, one hour: the 20 busiest hours
    const busy = (await pool.query(
      `SELECT rh.local_start AS h FROM report_hours rh
         JOIN (SELECT ts - MOD(ts, 3600) AS h, COUNT(*) AS n FROM agent_events GROUP BY ts - MOD(ts, 3600) ORDER BY n DESC LIMIT 20) b
           ON rh.hour_start <= b.h AND rh.hour_end > b.h`,
    ))[0] as { h: string }[];
    const hourTimes: number[] = [];
    for (const { h } of busy) hourTimes.push((await timed(() => pool!.query('CALL sp_aggregate_hour(?)', [h])))[1]);

    // 5. one incremental collector run, ten minutes after the range
    simNow = END_TS + 600;
    progress('collector: one incremental run');
    const upstream = upstreamFromConfig(benchCfg);
    const [run, collectorS] = await timed(() =>
      runCollector({ pool: pool!, upstream, log, reportTz: cfg.reportTz, overlapMinutes: cfg.collectOverlapMinutes, clock: () => simNow * 1000 }),
    );
    await upstream.close();
    if (run.outcome !== 'ok') throw new Error(`collector run ended ${run.outcome}: ${run.error ?? ''}`);

    // 6. one day's backfill, whole process, at 200 and 1,000 agents
    let day200 = null;
    let day1000 = null;
    if (opts.dayBackfills) {
      progress('one day backfill, whole process, from the simulator over HTTP: 200 and 1000 agents, three times each');
      day200 = await dayBackfill(cfg, { agents: 200, seed, endTs: END_TS, runs: 3 });
      day1000 = await dayBackfill(cfg, { agents: 1000, seed, endTs: END_TS, runs: 3 });
    }

    // 7. reports through HTTP, server in its own process
    const zone = cfg.reportTz;
    // the last whole local day of the range (with one day of data: the day it starts in)
    const dayStart = days > 1 ? DateTime.fromSeconds(END_TS, { zone }).startOf('day').minus({ days: 1 }) : DateTime.fromSeconds(fromTs, { zone }).startOf('day');
    const monthStart = DateTime.fromSeconds(fromTs, { zone }).plus({ days: 1 }).startOf('day');
    // ten teams of a tenth of the agents each, for by=team
    await pool.query("INSERT INTO teams (name) SELECT CONCAT('Team ', n) FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) d");
    await pool.query("INSERT INTO team_members (team, ext) SELECT CONCAT('Team ', MOD(ROW_NUMBER() OVER (ORDER BY ext_sort), 10)), ext FROM agents");
    const server = await startReportServer({ DATABASE_URL: dbUrl, REPORT_TZ: zone, REPORT_API_TOKENS: '', REPORT_MAX_DAYS: '93' });
    let day;
    let day15;
    let live;
    let breaks;
    let month;
    let monthTotal;
    let month15Json;
    let byTeam;
    let page;
    try {
      progress(`report: ${dayStart.toISODate()} and 31 days from ${monthStart.toISODate()}, by hour, 15 minutes, total, JSON`);
      const monthRange = `startDate=${monthStart.toISODate()}&endDate=${monthStart.plus({ days: 31 }).toISODate()}&bom=0`;
      day = await timeReport(server, `startDate=${dayStart.toISODate()}&bom=0`);
      day15 = await timeReport(server, `startDate=${dayStart.toISODate()}&bom=0&interval=15m`);
      live = await timeReport(server, '', '/api/live');
      breaks = await timeReport(server, `startDate=${dayStart.toISODate()}&bom=0`, '/api/breaks');
      month = await timeReport(server, monthRange);
      monthTotal = await timeReport(server, `${monthRange}&interval=total`);
      month15Json = await timeReport(server, `${monthRange}&interval=15m&format=json`);
      byTeam = await timeReport(server, `${monthRange}&by=team`);
      progress('page: 31 days at 1h in Chromium, navigation to the first table rows');
      page = await timePage(server.url, `startDate=${monthStart.toISODate()}&endDate=${monthStart.plus({ days: 31 }).toISODate()}`);
      if (typeof page === 'string') progress(`page: not measured: ${page}`);
    } finally {
      await server.stop();
    }

    return {
      agents,
      days,
      events,
      stats_rows: statsRows,
      limit_load_eps: rawRefused === null ? Math.round(events / rawS) : null,
      limit_unavailable: rawRefused,
      load_eps: Math.round(events / loadS),
      reload_eps: Math.round(events / reloadS),
      load_vs_limit: rawRefused === null ? round(rawS / loadS, 2) : null,
      e2e_seconds: round(e2eS, 1),
      e2e_eps: Math.round(summary.events / e2eS),
      e2e_us_per_event: round((e2eS * 1e6) / summary.events, 1),
      agg_full_seconds: round(aggFullS, 2),
      agg_full_eps: Math.round(events / aggFullS),
      agg_hour_median_s: round(median(hourTimes)),
      collector_run_s: round(collectorS, 2),
      report_day_s: round(day.seconds),
      report_day_rows: day.rows,
      report_day_rows_per_s: Math.round(day.rows / day.seconds),
      report_day_peak_rss_mb: round(day.peakRssMb, 1),
      report_31d_s: round(month.seconds, 2),
      report_31d_rows: month.rows,
      report_31d_rss_growth_mb: round(month.peakRssMb - month.rssBeforeMb, 1),
      live_s: round(live.seconds),
      breaks_day_s: round(breaks.seconds, 2),
      breaks_day_rows: breaks.rows,
      report_day_15m_s: round(day15.seconds),
      report_day_15m_rows: day15.rows,
      report_31d_total_s: round(monthTotal.seconds, 2),
      report_31d_15m_json_s: round(month15Json.seconds, 2),
      // (the probe counts lines: a JSON array has two more than rows)
      report_31d_15m_json_rows: Math.max(0, month15Json.rows - 1),
      report_31d_15m_json_rss_growth_mb: round(month15Json.peakRssMb - month15Json.rssBeforeMb, 1),
      by_team_31d_s: round(byTeam.seconds, 2),
      by_team_31d_rows: byTeam.rows,
      page_31d_1h_s: typeof page === 'string' ? null : round(page.firstRowsS, 2),
      page_unavailable: typeof page === 'string' ? page : null,
      innodb_buffer_pool_mb: bufferPoolMb,
      startup_npm_s: round(startup.npm, 2),
      startup_node_s: round(startup.node, 2),
      backfill_day_200_s: day200 && round(day200.seconds, 2),
      backfill_day_1000_s: day1000 && round(day1000.seconds, 2),
      backfill_startup_s: day1000 && round(day1000.startupSeconds, 2),
    };
  } finally {
    await pool?.end();
    await sim.close();
    const server = await connect(withDatabase(cfg.databaseUrl, ''));
    await server.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(dbName)}`);
    await server.end();
  }
}
