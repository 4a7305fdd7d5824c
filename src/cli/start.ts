// npm start: migrations, then the collector (every COLLECT_CRON, and once now) and the
// HTTP server in one process. Without API_BASE the upstream is the built-in simulator.
// SIGTERM/SIGINT: the current window finishes or rolls back, then exit 0.
import { loadConfigOrExit, redacted } from '../config.ts';
import { createLogger } from '../log.ts';
import { createPool } from '../db/pool.ts';
import { migrate, ZoneMismatchError } from '../db/migrate.ts';
import { startHttpServer } from '../http/server.ts';
import { upstreamFromConfig } from '../upstream/client.ts';
import { startCollector } from '../collector/collector.ts';
import { startSimulator, type SimulatorHandle } from '../simulator/server.ts';
import { DEMO_CREDENTIALS, DEMO_SIMULATOR } from '../simulator/demo.ts';

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const log = createLogger();
  log.info('starting', { report_tz: cfg.reportTz, database: String(redacted(cfg).databaseUrl) });
  try {
    await migrate({ databaseUrl: cfg.databaseUrl, reportTz: cfg.reportTz, log: (l) => log.info(`migrate: ${l.trim()}`) });
  } catch (err) {
    log.error(`migrate ${err instanceof ZoneMismatchError ? 'refused' : 'failed'}: ${(err as Error).message}`);
    process.exit(err instanceof ZoneMismatchError ? 3 : 1);
  }
  const pool = createPool(cfg.databaseUrl);
  // Reports get a pool of their own, so streams that hold connections never starve the
  // collector (REPORT_MAX_STREAMS of them, plus room for /api/status).
  const reportPool = createPool(cfg.databaseUrl, { connectionLimit: cfg.reportMaxStreams + 2 });

  let simulator: SimulatorHandle | undefined;
  if (cfg.apiBase === undefined) {
    simulator = await startSimulator({ port: 0, ...DEMO_SIMULATOR, pageSize: cfg.apiPageSize });
    log.info(
      `API_BASE is not set: collecting from the built-in simulator at ${simulator.url} ` +
        `(${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}); set API_BASE and its credentials in .env for the real upstream`,
    );
  }
  const upstream = upstreamFromConfig(cfg, { log, ...(simulator ? { baseUrl: simulator.url, ...DEMO_CREDENTIALS } : {}) });

  const server = await startHttpServer(cfg, reportPool, log);
  const collector = startCollector({
    pool,
    upstream,
    log,
    reportTz: cfg.reportTz,
    overlapMinutes: cfg.collectOverlapMinutes,
    cron: cfg.collectCron,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping; the current window finishes or rolls back`);
    try {
      // Report streams are cut at once while the current window finishes or rolls back.
      await Promise.all([collector.stop(), server.close()]);
      await upstream.close();
      await simulator?.close();
      await Promise.all([pool.end(), reportPool.end()]);
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error('error while stopping', { error: (err as Error).message });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
