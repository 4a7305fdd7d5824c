// npm run backfill -- [--from "2025-09-07 00:00" --to "2025-09-08 00:00" | --hours 48]
//                     [--concurrency 4] [--wipe [--yes]]
import { createInterface } from 'node:readline/promises';
import { loadConfigOrExit, databaseName } from '../config.ts';
import { createLogger } from '../log.ts';
import { createPool } from '../db/pool.ts';
import { migrate, ZoneMismatchError } from '../db/migrate.ts';
import { parseFlags, UsageError } from './args.ts';
import { backfillRange, DEFAULT_HOURS } from '../backfill/range.ts';
import { runBackfill, DEFAULT_CONCURRENCY } from '../backfill/backfill.ts';
import { upstreamFromConfig, iso } from '../upstream/client.ts';
import { startSimulator, type SimulatorHandle } from '../simulator/server.ts';
import { DEMO_CREDENTIALS, DEMO_SIMULATOR } from '../simulator/demo.ts';

const HELP = `Usage: npm run backfill -- [--from "YYYY-MM-DD HH:MM" [--to "YYYY-MM-DD HH:MM"] | --hours N]
                            [--concurrency N] [--wipe [--yes]]

Loads a range from the upstream into the database and re-aggregates, e.g. to fill a gap
after downtime, or to rebuild history. Times are REPORT_TZ local time.

  --from, --to     the range [from, to); --to defaults to now. A date alone means 00:00.
                   Example: --from "2025-09-07 00:00" --to "2025-09-08 00:00"
  --hours N        the last N hours up to now (default ${DEFAULT_HOURS}); not with --from/--to
  --concurrency N  windows loaded at once (default ${DEFAULT_CONCURRENCY}, 1-16)
  --wipe           first empty agent_events, users_calls, agent_activity, agents, the loaded
                   windows and the horizon. Asks you to type YES; without a terminal it
                   refuses unless --yes is given
  --yes            confirm --wipe without asking
  --help           this text

How it works. The range is cut into report-hour windows. Each window fetches its events
(splitting a range whose page comes back full, so nothing is lost) and the stats of its
hour, then loads everything in one transaction and moves the data horizon to the window's
end if that is later (never back). A window that fails is tried once more after the
others. Then every hour that can change is re-aggregated: from --from up to the horizon
(a filled gap changes the state carried into later hours).

It is idempotent and non-destructive: running it twice, or over overlapping ranges, gives
the same rows (events keep their identity, an hour's stats are replaced, not added). It
waits for a running collector to finish (one loader at a time).

Each window prints one line (events, stats rows, rejected records, splits); the run ends
with a summary (windows, events, rejected, seconds, events/s). The exit code is 0 when
every window loaded, 1 when some failed (they are listed: run again to retry them), 2 for
a usage error, 3 when --wipe was not confirmed.

Without API_BASE it loads from the built-in simulator (${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}), the same
one npm start uses.`;

async function confirmWipe(db: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(
      `--wipe empties agent_events, users_calls, agent_activity, agents, loaded_windows and the horizon of database ${db}.\nType YES to continue: `,
    );
    return answer.trim() === 'YES';
  } finally {
    rl.close();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const cfg = loadConfigOrExit();
  let range;
  let flags;
  let concurrency = DEFAULT_CONCURRENCY;
  try {
    flags = parseFlags(argv, { values: ['from', 'to', 'hours', 'concurrency'], switches: ['wipe', 'yes', 'help'] });
    range = backfillRange(flags.values, cfg.reportTz, Math.floor(Date.now() / 1000));
    const c = flags.values.get('concurrency');
    if (c !== undefined) {
      concurrency = Number(c);
      if (!/^\d+$/.test(c) || concurrency < 1 || concurrency > 16) throw new UsageError(`--concurrency ${JSON.stringify(c)}: give a whole number from 1 to 16`);
    }
    if (flags.switches.has('yes') && !flags.switches.has('wipe')) throw new UsageError('--yes only confirms --wipe');
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\nSee npm run backfill -- --help`);
      process.exit(2);
    }
    throw err;
  }
  const wipe = flags.switches.has('wipe');
  if (wipe && !flags.switches.has('yes')) {
    if (!process.stdin.isTTY) {
      console.error('--wipe needs confirmation: type YES in a terminal, or pass --yes. Nothing was changed.');
      process.exit(3);
    }
    if (!(await confirmWipe(databaseName(cfg.databaseUrl)))) {
      console.error('not confirmed: nothing was changed.');
      process.exit(3);
    }
  }

  const log = createLogger();
  try {
    await migrate({ databaseUrl: cfg.databaseUrl, reportTz: cfg.reportTz, log: (l) => log.info(`migrate: ${l.trim()}`) });
  } catch (err) {
    log.error(`migrate ${err instanceof ZoneMismatchError ? 'refused' : 'failed'}: ${(err as Error).message}`);
    process.exit(err instanceof ZoneMismatchError ? 3 : 1);
  }
  if (range.note) log.warn(range.note);
  let simulator: SimulatorHandle | undefined;
  if (cfg.apiBase === undefined) {
    simulator = await startSimulator({ port: 0, ...DEMO_SIMULATOR, pageSize: cfg.apiPageSize });
    log.info(`API_BASE is not set: loading from the built-in simulator (${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed})`);
  }
  const upstream = upstreamFromConfig(cfg, { log, ...(simulator ? { baseUrl: simulator.url, ...DEMO_CREDENTIALS } : {}) });
  const pool = createPool(cfg.databaseUrl, { connectionLimit: concurrency + 4 });
  const abort = new AbortController();
  const onSignal = (s: string) => {
    log.warn(`${s}: stopping after the windows in progress finish or roll back`);
    abort.abort();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  let code = 0;
  try {
    const s = await runBackfill(cfg, pool, { fromTs: range.fromTs, toTs: range.toTs, concurrency, log, wipe, upstream, signal: abort.signal });
    if (s.failed.length > 0) {
      code = 1;
      log.error(`${s.failed.length} window(s) failed; run the same command again to retry them:`);
      for (const w of s.failed) log.error(`  [${iso(w.fromTs)}, ${iso(w.toTs)}): ${w.error}`);
    }
  } catch (err) {
    code = 1;
    log.error(`backfill failed: ${upstream.scrub((err as Error).message)}`);
  } finally {
    await upstream.close();
    await simulator?.close();
    await pool.end();
  }
  process.exit(code);
}

await main();
