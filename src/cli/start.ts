// npm start: migrations, then the collector (every COLLECT_CRON, and once now) and the
// HTTP server in one process. Without API_BASE the upstream is the built-in simulator.
// COLLECT_CRON=off: the HTTP server alone (one of several report servers): no migration,
// no collector, only a check that the database it reads is ready. Its one write is a
// database token's last use (on DATABASE_URL, at most once a minute per token).
// SIGTERM/SIGINT: the current window finishes or rolls back, the server closes, exit 0.
// What an operator can get wrong is checked first, each with one line and its own exit
// code: the configuration, a public HOST without tokens, the database, the port.
import { COLLECT_CRON_OFF, redacted } from '../config.ts';
import type { Collector } from '../collector/collector.ts';
import type { Scheduler } from '../schedules/scheduler.ts';
import { DEMO_SIMULATOR } from '../simulator/demo.ts';
import type { Config } from '../config.ts';
import { runCommand } from './command.ts';
import { databaseProblem } from './problems.ts';
import { EXIT, fail, type ExitCode } from './exit.ts';

const HELP = `Usage: npm start [-- --help]

Runs the service in one process: applies pending migrations, starts the report server
on HOST:PORT (the page at /, GET /api/report, /api/timeline, /api/status, /metrics,
/healthz), and runs the collector at start-up and on every COLLECT_CRON tick, and the
scheduled reports of REPORT_SCHEDULES after it (see npm run schedules -- --help). Without
API_BASE it collects from the built-in simulator (${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}).

COLLECT_CRON=off runs the report server alone (no migration, no collector, no scheduled
reports): for several report servers behind a load balancer while one process
collects. Reads go to REPORT_DATABASE_URL when it is set (a read replica).

Configuration comes from the environment and .env (see .env.example). Logs go to stdout:
JSON lines unless stdout is a terminal (LOG_FORMAT=json|pretty, LOG_LEVEL=debug|info|...).

SIGTERM or SIGINT (Ctrl-C) stops it cleanly: the window being loaded finishes or rolls
back, the server closes, exit 0. Exit codes when it cannot start: 78 configuration,
5 database (DATABASE_URL, npm run migrate), 6 the port is in use, 3 REPORT_TZ changed
(npm run migrate -- --rebuild-tz), 1 anything else.`;

/** The longest a stop may take (a window that finishes loading included) before the process exits anyway. */
const STOP_DEADLINE_S = 60;

await runCommand({ name: 'start', help: HELP }, async (ctx) => {
  const { cfg } = ctx;
  // (loaded here, not at the top: --help needs neither the server nor the collector)
  const { startHttpServer } = await import('../http/server.ts');
  const { refusalReason } = await import('../http/auth.ts');
  const { startCollector } = await import('../collector/collector.ts');
  // Before anything starts (the simulator, migrations): a public address needs tokens,
  // from REPORT_API_TOKENS or, failing those, from the database that answers reads (read,
  // never created here).
  if (refusalReason(cfg.host, cfg.reportApiTokens) !== undefined) {
    const { usableTokenCount } = await import('../access/token-store.ts');
    const { connect } = await import('../db/pool.ts');
    const { readTarget } = await import('../db/readers.ts');
    const dbTokens = await connect(readTarget(cfg).url).then(
      async (conn) => usableTokenCount(conn).finally(() => conn.end()),
      () => 0,
    );
    const refusal = refusalReason(cfg.host, cfg.reportApiTokens, dbTokens);
    if (refusal !== undefined) fail(EXIT.CONFIG, `configuration error: ${refusal}`);
  }
  // A bad schedule file stops start-up here, before anything runs, naming the schedule and field.
  const { schedulesFromConfig, runContextFrom } = await import('../schedules/setup.ts');
  const { ScheduleFileError } = await import('../schedules/file.ts');
  const schedules = await schedulesFromConfig(cfg, { checkDestinations: true }).catch((err: unknown) =>
    err instanceof ScheduleFileError ? fail(EXIT.CONFIG, `configuration error: ${err.message}`) : Promise.reject(err),
  );

  const log = ctx.log;
  // Signals are caught from here on: one that arrives while starting up stops the service
  // as soon as it has started (never a half-started process killed mid-migration).
  let stopRequested: string | undefined;
  let stopNow: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => {
    if (stopNow) return stopNow(signal);
    if (stopRequested === undefined) log.info(`${signal}: stopping as soon as start-up finishes`);
    stopRequested ??= signal;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const collecting = cfg.collectCron !== COLLECT_CRON_OFF;
  const shown = redacted(cfg);
  log.info('starting', {
    report_tz: cfg.reportTz,
    database: String(shown.databaseUrl),
    ...(cfg.reportDatabaseUrl === undefined ? {} : { report_database: String(shown.reportDatabaseUrl) }),
    api_base: collecting ? (cfg.apiBase ?? 'built-in simulator') : 'none (COLLECT_CRON=off)',
  });
  if (collecting) await ctx.migrate();
  else await checkReadable(cfg);
  const pool = await ctx.pool();
  // Reports get a pool of their own, so streams that hold connections never starve the
  // collector (REPORT_MAX_STREAMS of them, plus room for /api/status).
  const { readPoolSize } = await import('../db/readers.ts');
  const reportPool = await ctx.pool({ connectionLimit: readPoolSize(cfg) });

  // The collector's next tick, for /api/status (the collector starts after the server).
  let collector: Collector | undefined;
  let scheduler: Scheduler | undefined;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer(cfg, reportPool, log, { nextCollectorRun: () => collector?.nextRun() ?? null, writePool: pool, nextScheduledReports: () => scheduler?.nextRuns() ?? [] });
  } catch (err) {
    await ctx.close();
    fail(EXIT.LISTEN, (err as Error).message);
  }
  if (!collecting) {
    log.info('collector off (COLLECT_CRON=off): this process serves reports only (no collector, no migration)');
  } else {
    // An upstream that cannot be reached is logged: the service keeps serving reports, and
    // every collector run tries again.
    const upstream = await ctx.upstream({ whenUnreachable: 'keep-retrying' });
    collector = startCollector({
      pool,
      upstream,
      log,
      reportTz: cfg.reportTz,
      overlapMinutes: cfg.collectOverlapMinutes,
      retentionDays: cfg.rawRetentionDays,
      cron: cfg.collectCron,
    });
    // Scheduled reports run where the collector runs (never on a report-only server), each
    // after the collector's run of its minute.
    const { startSchedules } = await import('../schedules/scheduler.ts');
    const running = collector;
    scheduler = schedules.length === 0 ? undefined : startSchedules(schedules, { ...runContextFrom(cfg, pool, log), collectorSettled: () => running.settled() });
  }

  // Runs until a signal: then the current window finishes or rolls back, and the exit code is 0.
  return new Promise<ExitCode>((resolve) => {
    let stopping = false;
    stopNow = (signal) => {
      if (stopping) return; // Ctrl-C reaches npm and node both: one stop
      stopping = true;
      // (a signal during start-up has said so already)
      if (stopRequested === undefined) log.info(`${signal}: stopping; the current window finishes or rolls back`);
      // Whatever hangs (a connection that never closes, a stream that never ends), the
      // process exits: a window not committed by then is rolled back by the database.
      const hard = setTimeout(() => {
        log.error(`stopping took over ${STOP_DEADLINE_S} s: exiting anyway; a window not committed is rolled back by the database`);
        process.exit(EXIT.FAILED); // not through the closers: one of them is what hangs
      }, STOP_DEADLINE_S * 1000);
      hard.unref();
      // Report streams are cut at once while the current window finishes or rolls back.
      Promise.all([collector?.stop(), server.close(), scheduler?.stop()])
        .then(() => ctx.close())
        .then(
          () => {
            log.info('stopped');
            resolve(EXIT.OK);
          },
          (err: unknown) => {
            log.error('error while stopping', { error: (err as Error).message });
            resolve(EXIT.FAILED);
          },
        );
    };
    if (stopRequested !== undefined) stopNow(stopRequested);
  });
});

/**
 * A report server does not migrate (it leaves writing to the collector), so it checks that the database it
 * reads is migrated and built for REPORT_TZ, and exits as migrate would (5, 3) if not.
 */
async function checkReadable(cfg: Config): Promise<void> {
  const { readTarget } = await import('../db/readers.ts');
  const { connect } = await import('../db/pool.ts');
  const { assertReadyToRead, NotMigratedError } = await import('../db/ready.ts');
  const { ZoneMismatchError } = await import('../db/zone.ts');
  const target = readTarget(cfg);
  try {
    const conn = await connect(target.url, { connectTimeout: 10_000 });
    try {
      await assertReadyToRead(conn, cfg.reportTz, target.variable);
    } finally {
      await conn.end();
    }
  } catch (err) {
    if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, `the report server will not start: ${err.message}`);
    if (err instanceof NotMigratedError) fail(EXIT.DATABASE, err.message);
    const problem = databaseProblem(err, target.url, target.variable);
    if (problem !== undefined) fail(EXIT.DATABASE, problem);
    throw err;
  }
}
