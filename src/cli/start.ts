// npm start: migrations, then the collector (every COLLECT_CRON, and once now) and the
// HTTP server in one process. Without API_BASE the upstream is the built-in simulator.
// SIGTERM/SIGINT: the current window finishes or rolls back, the server closes, exit 0.
// What an operator can get wrong is checked first, each with one line and its own exit
// code: the configuration, a public HOST without tokens, the database, the port.
import { redacted } from '../config.ts';
import { loggerFromEnv, registerSecret } from '../log.ts';
import { createPool } from '../db/pool.ts';
import { migrate, ZoneMismatchError } from '../db/migrate.ts';
import { startHttpServer } from '../http/server.ts';
import { refusalReason } from '../http/auth.ts';
import { upstreamFromConfig } from '../upstream/client.ts';
import { startCollector, type Collector } from '../collector/collector.ts';
import { startSimulator, type SimulatorHandle } from '../simulator/server.ts';
import { DEMO_CREDENTIALS, DEMO_SIMULATOR } from '../simulator/demo.ts';
import { EXIT, configOrExit, fail } from './exit.ts';
import { databaseProblem } from './problems.ts';
import { upstreamUnreachable } from './upstream-check.ts';
import { parseFlags, UsageError } from './args.ts';

const HELP = `Usage: npm start [-- --help]

Runs the service in one process: applies pending migrations, starts the report server
(GET /api/report, /api/status, /metrics, /healthz on HOST:PORT), and runs the collector
at start-up and on every COLLECT_CRON tick. Without API_BASE it collects from the
built-in simulator (${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}).

Configuration comes from the environment and .env (see .env.example). Logs go to stdout:
JSON lines unless stdout is a terminal (LOG_FORMAT=json|pretty, LOG_LEVEL=debug|info|...).

SIGTERM or SIGINT (Ctrl-C) stops it cleanly: the window being loaded finishes or rolls
back, the server closes, exit 0. Exit codes when it cannot start: 78 configuration,
5 database (DATABASE_URL, npm run migrate), 6 the port is in use, 3 REPORT_TZ changed
(npm run migrate -- --rebuild-tz), 1 anything else.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  try {
    parseFlags(argv, { values: [], switches: ['help'] });
  } catch (err) {
    if (err instanceof UsageError) fail(EXIT.USAGE, `${err.message}: npm start takes no flags (see npm start -- --help)`);
    throw err;
  }
  const cfg = configOrExit();
  // Before anything starts (the simulator, the database): a public address needs tokens.
  const refusal = refusalReason(cfg.host, cfg.reportApiTokens);
  if (refusal !== undefined) fail(EXIT.CONFIG, `configuration error: ${refusal}`);
  registerSecret(cfg.apiPassword);
  for (const t of cfg.reportApiTokens) registerSecret(t);

  const log = loggerFromEnv();
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
  log.info('starting', { report_tz: cfg.reportTz, database: String(redacted(cfg).databaseUrl), api_base: cfg.apiBase ?? 'built-in simulator' });
  try {
    await migrate({ databaseUrl: cfg.databaseUrl, reportTz: cfg.reportTz, log: (l) => log.info(`migrate: ${l.trim()}`) });
  } catch (err) {
    if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, `migrate refused: ${err.message}`);
    const db = databaseProblem((err as Error).cause ?? err, cfg.databaseUrl);
    fail(db ? EXIT.DATABASE : EXIT.FAILED, db ?? `migrate failed: ${(err as Error).message}`);
  }
  const pool = createPool(cfg.databaseUrl);
  // Reports get a pool of their own, so streams that hold connections never starve the
  // collector (REPORT_MAX_STREAMS of them, plus room for /api/status).
  const reportPool = createPool(cfg.databaseUrl, { connectionLimit: cfg.reportMaxStreams + 2 });

  // The collector's next tick, for /api/status (the collector starts after the server).
  let collector: Collector | undefined;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer(cfg, reportPool, log, { nextCollectorRun: () => collector?.nextRun() ?? null });
  } catch (err) {
    await Promise.all([pool.end(), reportPool.end()]);
    fail(EXIT.LISTEN, (err as Error).message);
  }

  let simulator: SimulatorHandle | undefined;
  if (cfg.apiBase === undefined) {
    simulator = await startSimulator({ port: 0, ...DEMO_SIMULATOR, pageSize: cfg.apiPageSize });
    log.info(
      `API_BASE is not set: collecting from the built-in simulator at ${simulator.url} ` +
        `(${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}); set API_BASE and its credentials in .env for the real upstream`,
    );
  } else {
    // The service keeps running (reports are served, every tick retries); it says so now.
    const unreachable = await upstreamUnreachable(cfg.apiBase);
    if (unreachable) log.error(`${unreachable}; the collector keeps retrying on every tick`);
  }
  const upstream = upstreamFromConfig(cfg, { ...(simulator ? { baseUrl: simulator.url, ...DEMO_CREDENTIALS } : {}), log });

  collector = startCollector({
    pool,
    upstream,
    log,
    reportTz: cfg.reportTz,
    overlapMinutes: cfg.collectOverlapMinutes,
    retentionDays: cfg.rawRetentionDays,
    cron: cfg.collectCron,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return; // Ctrl-C reaches npm and node both: one stop
    stopping = true;
    log.info(`${signal}: stopping; the current window finishes or rolls back`);
    try {
      // Report streams are cut at once while the current window finishes or rolls back.
      await Promise.all([collector!.stop(), server.close()]);
      await upstream.close();
      await simulator?.close();
      await Promise.all([pool.end(), reportPool.end()]);
      log.info('stopped');
      process.exit(EXIT.OK);
    } catch (err) {
      log.error('error while stopping', { error: (err as Error).message });
      process.exit(EXIT.FAILED);
    }
  };
  stopNow = (signal) => void stop(signal);
  if (stopRequested !== undefined) stopNow(stopRequested);
}

await main();
