// npm run backfill -- [--from "2025-09-07 00:00" --to "2025-09-08 00:00" | --hours 48]
//                     [--concurrency 4] [--wipe [--yes]]
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline/promises';
import { databaseName } from '../config.ts';
import { backfillRange } from '../backfill/range.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_HOURS, WIPED } from '../backfill/options.ts';
import { wrapHelp } from './help.ts';
import { DEMO_SIMULATOR } from '../simulator/demo.ts';
import { wholeFlag } from '../numbers.ts';
import { runCommand } from './command.ts';
import { EXIT, fail } from './exit.ts';
import { databaseProblem } from './problems.ts';
import { localTime } from '../log.ts';
import { UsageError } from '../usage-error.ts';
import { isoUtc } from '../time.ts';
import { refusalOf } from '../db/refusals.ts';

const HELP = `Usage: npm run backfill -- [--from "YYYY-MM-DD HH:MM" [--to "YYYY-MM-DD HH:MM"] | --hours N]
                            [--concurrency N] [--wipe [--yes]]

Loads a range from the upstream into the database and re-aggregates, e.g. to fill a gap
after downtime, or to rebuild history. Times are REPORT_TZ local time.

  --from, --to     the range [from, to); --to defaults to now. A date alone means 00:00.
                   Example: --from "2025-09-07 00:00" --to "2025-09-08 00:00"
  --hours N        the last N hours up to now (default ${DEFAULT_HOURS}); not with --from/--to
  --concurrency N  windows loaded at once (default ${DEFAULT_CONCURRENCY}, 1-16)
  --wipe           first empty ${wrapHelp(WIPED, 62, 19)}.
                   Asks you to type YES; without a terminal it refuses unless --yes is given
  --yes            confirm --wipe without asking (alone it confirms nothing and is ignored)
  --help           this text

How it works. The range is cut into report-hour windows. Each window fetches its events
(splitting a range whose page comes back full, so nothing is lost) and the stats of each
15-minute slot it touches, then loads everything in one transaction and moves the data
horizon to the window's end if that is later (never back). A window that fails is tried
once more after the others (one given up at UPSTREAM_WINDOW_TIMEOUT_S is left for the next
run). Hours are aggregated while later windows load; at the end every hour that can change
is: from --from up to the horizon (a filled gap changes the state carried into later
hours).

It is idempotent and non-destructive: running it twice, or over overlapping ranges, gives
the same rows (events keep their identity, a slot's stats are replaced, not added). It
waits for a running collector to finish (one loader at a time). A range that starts
before the retention cut (RAW_RETENTION_DAYS) is refused: its raw data was pruned.

Each window prints one line (events, stats rows, rejected records, splits); the run ends
with a summary (windows, events, rejected, seconds, events/s). Ctrl-C (or SIGTERM) lets
the windows in progress finish or roll back and prints one line: how many loaded, how
many did not; run the same command again to continue.

Exit codes: 0 every window loaded; 1 some failed (listed: run again to retry them);
2 usage error (also a range before the retention cut); 3 REPORT_TZ changed; 4 the
upstream (API_BASE) cannot be reached; 5 the database (DATABASE_URL) cannot be used;
7 --wipe not confirmed; 78 configuration error; 130 stopped by Ctrl-C/SIGTERM.

Without API_BASE it loads from the built-in simulator (${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}), the same
one npm start uses.`;

async function confirmWipe(db: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the prompt (the terminal is in raw mode: readline gets it, not the process) is a no
  const ctrlC = new AbortController();
  rl.on('SIGINT', () => ctrlC.abort());
  try {
    const answer = await rl.question(
      `--wipe empties ${WIPED} of database ${db}.\nType YES to continue: `,
      { signal: ctrlC.signal },
    );
    return answer.trim() === 'YES';
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

await runCommand({ name: 'backfill', help: HELP, flags: { values: ['from', 'to', 'hours', 'concurrency'], switches: ['wipe', 'yes'] } }, async (ctx) => {
  const { flags, cfg, log } = ctx;
  const range = backfillRange(flags.values, cfg.reportTz, Math.floor(Date.now() / 1000));
  const concurrency = wholeFlag(flags.values, 'concurrency', { min: 1, max: 16 }) ?? DEFAULT_CONCURRENCY;
  // From here on a signal stops the run cleanly (during start-up: before any window).
  // Ctrl-C reaches npm and node both; either way the run stops once and says so once, at the end.
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every request in flight listens on it
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    stoppedBy ??= s;
    abort.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const wipe = flags.switches.has('wipe');
  // --yes alone confirms nothing; nightly scripts pass it by habit, so it is no error.
  if (flags.switches.has('yes') && !wipe) log.debug('--yes without --wipe: nothing to confirm');
  if (wipe && !flags.switches.has('yes')) {
    if (!process.stdin.isTTY) fail(EXIT.NOT_CONFIRMED, '--wipe needs confirmation: type YES in a terminal, or pass --yes. Nothing was changed.');
    if (!(await confirmWipe(databaseName(cfg.databaseUrl)))) fail(EXIT.NOT_CONFIRMED, 'not confirmed: nothing was changed.');
  }

  // (imported here, not at the top: --help needs none of the loading engine; started now,
  // it loads while the checks below wait for the upstream's and the database's answers)
  const engine = import('../backfill/backfill.ts');
  // An upstream that cannot be reached is said within seconds, not after the database work
  // (a first migrate fills the calendar for a while). The two checks run at once; a
  // migration that fails waits for the upstream's answer, which is said first (exit 4), as
  // when the checks ran one after the other. (Migrating stopped half-way is safe: it is
  // made to resume after a crash.)
  const checked = ctx.upstream({ whenUnreachable: 'exit' });
  // The run's first sessions (the load lock's, the run's row, the calendar) connect while
  // the checks go on; before migrate has made the database they fail silently, and the
  // run connects anew.
  const pooled = ctx.pool({ connectionLimit: concurrency + 4 });
  void pooled.then(async (p) => (await import('../db/pool.ts')).warmUp(p, 3)).catch(() => {});
  const [upstream] = await Promise.all([checked, ctx.migrate({ sayFirst: checked })]);
  if (range.note) log.warn(range.note);
  const pool = await pooled;
  const { runBackfill } = await engine;
  try {
    const s = await runBackfill(cfg, pool, { fromTs: range.fromTs, toTs: range.toTs, concurrency, log, wipe, upstream, signal: abort.signal });
    if (s.stopped) {
      const loaded = s.windows - s.notLoaded;
      console.error(
        `stopped (${stoppedBy ?? 'signal'}): ${loaded} window(s) loaded, ${s.notLoaded} not loaded; run the same command again to continue (loading is idempotent)`,
      );
      return EXIT.STOPPED;
    }
    if (s.failed.length > 0) {
      // one line on stderr, the windows in REPORT_TZ's local time (as --from takes them) and UTC
      const list = s.failed.map((w) => `${localTime(w.fromTs, cfg.reportTz)} .. ${localTime(w.toTs, cfg.reportTz)} [${isoUtc(w.fromTs)}, ${isoUtc(w.toTs)}): ${w.error}`);
      const advice = s.failed.every((w) => w.permanent)
        ? 'another try will not change this answer of the upstream: check API_BASE (the API\'s base URL), API_USERNAME, API_PASSWORD and TENANT, then run the same command again'
        : 'run the same command again to retry them (loading is idempotent)';
      console.error(JSON.stringify({ error: upstream.scrub(`${s.failed.length} window(s) failed; ${advice}: ${list.join('; ')}`) }));
      return EXIT.FAILED;
    }
    return EXIT.OK;
  } catch (err) {
    // (the runner says it in one line and exits 2: a range before the retention cut, also
    // when the transform refuses it, should a prune move the cut meanwhile)
    if (err instanceof UsageError || refusalOf(err)) throw err;
    if (abort.signal.aborted) {
      console.error(`stopped (${stoppedBy ?? 'signal'}) before any window loaded; run the same command again to continue`);
      return EXIT.STOPPED;
    }
    const db = databaseProblem(err, cfg.databaseUrl);
    log.error(db ?? `backfill failed: ${upstream.scrub((err as Error).message)}`);
    return db ? EXIT.DATABASE : EXIT.FAILED;
  }
});
