// How a command starts and ends. Every command in src/cli begins with the same steps and
// fails in the same way (one line, one exit code per kind of failure: README "Exit
// codes"), so those steps live here once and a command file is only what it does.
//
// runCommand(spec, body), in this order:
//   1. --help or -h anywhere: spec.help on stdout, exit 0; nothing else runs.
//   2. run by npm without `--` (npm kept the flags for itself): exit 2, saying where -- goes.
//   3. the flags (spec.flags; none when absent): an unknown, repeated or value-less one
//      exits 2.
//   4. the configuration, unless spec.config is false: a bad variable exits 78 naming it.
//      API_PASSWORD and the report tokens are registered as secrets before any log line.
//   5. body(ctx), which returns the exit code. It asks for the rest when its own order
//      needs it (a backfill asks for YES before it touches the database; npm start listens
//      before it checks the upstream):
//        ctx.migrate()   applies pending migrations; exits 3 (REPORT_TZ changed), 5 (the
//                        database cannot be used) or 1 (a migration failed)
//        ctx.pool()      a database pool (a promise)
//        ctx.upstream()  the API_BASE client, or the built-in simulator's when API_BASE is
//                        unset; an API_BASE that cannot be reached exits 4, or is logged
//      What these opened is closed when the body returns (ctx.close() does it sooner).
//   6. exit with the body's code. A UsageError the body throws exits 2 like a bad flag; a
//      procedure's refusal exits with its code in src/db/refusals.ts; any other error
//      exits 5 when it is a database an operator must fix, else 1.
// Every failure is one line {"error": "..."} on stderr, never a stack trace.
//
// A new command (src/cli/<name>.ts, "<name>": "exec node scripts/run.mjs <name>" in
// package.json's scripts, a row in README's Commands table):
//   await runCommand({ name: 'prune', help: HELP, flags: { values: ['before'] } }, async (ctx) => {
//     const pool = await ctx.pool();
//     ... ctx.flags.values.get('before'), ctx.cfg, ctx.log ...
//     return EXIT.OK;
//   });
//
// The database driver, migrations, the upstream client and the simulator are imported
// when first asked for, not at the top: --help, and a mistake in the flags or the
// configuration, answer before any of them loads.
import type { Pool, PoolOptions } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { MigrateResult } from '../db/migrate.ts';
import type { Upstream } from '../upstream/client.ts';
import { loggerFromEnv, registerSecret, type Logger } from '../log.ts';
import { DEMO_CREDENTIALS, DEMO_SIMULATOR } from '../simulator/demo.ts';
import { UsageError } from '../usage-error.ts';
import { refusalOf } from '../db/refusals.ts';
import { parseFlags, type FlagSpec, type ParsedFlags } from './args.ts';
import { EXIT, configOrExit, fail, npmSwallowedHint, type ExitCode } from './exit.ts';
import { databaseProblem } from './problems.ts';

export interface CommandSpec {
  /** The npm script: `npm start` for 'start', `npm run <name>` for any other. */
  name: string;
  /** What --help prints. */
  help: string;
  /** The flags it takes (none when absent). */
  flags?: FlagSpec;
  /** false: the command reads no configuration (the stand-alone simulator). */
  config?: boolean;
}

export interface CommandContext {
  flags: ParsedFlags;
  cfg: Config;
  /** LOG_LEVEL and LOG_FORMAT from the environment; made on first use. */
  log: Logger;
  /**
   * Applies pending migrations, logging each line (or passing it to `log`); exits on
   * failure, but only once `sayFirst` has settled: a check running meanwhile (the
   * upstream's) has its say first, as when it ran before.
   */
  migrate(opts?: { rebuildTz?: boolean; log?: (line: string) => void; sayFirst?: Promise<unknown> }): Promise<MigrateResult>;
  pool(options?: Partial<PoolOptions>): Promise<Pool>;
  /**
   * The upstream: API_BASE, or the built-in simulator when it is unset. An API_BASE that
   * cannot be reached exits 4 ('exit': nothing is loaded), or is logged while the service
   * goes on ('keep-retrying': every collector run tries again).
   */
  upstream(opts: { whenUnreachable: 'exit' | 'keep-retrying' }): Promise<Upstream>;
  /** Closes what the context opened, the last opened first. */
  close(): Promise<void>;
}

export async function runCommand(spec: CommandSpec, body: (ctx: CommandContext) => Promise<ExitCode>): Promise<never> {
  const argv = process.argv.slice(2);
  const command = spec.name === 'start' ? 'npm start' : `npm run ${spec.name}`;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(spec.help);
    process.exit(EXIT.OK);
  }
  const flagSpec = spec.flags ?? { values: [] };
  const names = [...flagSpec.values, ...(flagSpec.switches ?? [])];
  const usage = (err: UsageError): never =>
    fail(EXIT.USAGE, `${err.message}${names.length === 0 && !flagSpec.positionals ? `: ${command} takes no flags` : ''} (see ${command} -- --help)`);
  // npm has a --yes of its own, often set in its configuration: it proves nothing here
  const hint = npmSwallowedHint(spec.name, names.filter((f) => f !== 'yes'));
  if (hint) fail(EXIT.USAGE, hint);
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, flagSpec);
  } catch (err) {
    if (err instanceof UsageError) usage(err);
    throw err;
  }
  const cfg = spec.config === false ? undefined : configOrExit();
  if (cfg) {
    registerSecret(cfg.apiPassword);
    for (const t of cfg.reportApiTokens) registerSecret(t);
    if (cfg.smtpUrl !== undefined) registerSecret(decodeURIComponent(new URL(cfg.smtpUrl).password));
  }

  const closers: (() => Promise<unknown>)[] = [];
  let log: Logger | undefined;
  const ctx: CommandContext = {
    flags,
    get cfg(): Config {
      if (cfg === undefined) throw new Error(`${command} reads no configuration`);
      return cfg;
    },
    get log(): Logger {
      return (log ??= loggerFromEnv());
    },
    async migrate(opts = {}) {
      const { databaseUrl, reportTz } = ctx.cfg;
      const { migrate } = await import('../db/migrate.ts');
      const { ZoneMismatchError } = await import('../db/zone.ts');
      try {
        return await migrate({ databaseUrl, reportTz, rebuildTz: opts.rebuildTz, log: opts.log ?? ((l) => ctx.log.info(`migrate: ${l.trim()}`)) });
      } catch (err) {
        await opts.sayFirst?.catch(() => {});
        if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, `${command} refused: ${err.message}`);
        const db = databaseProblem((err as Error).cause ?? err, databaseUrl);
        fail(db ? EXIT.DATABASE : EXIT.FAILED, db ?? `migrate failed: ${(err as Error).message}`);
      }
    },
    async pool(options = {}) {
      const { createPool } = await import('../db/pool.ts');
      const pool = createPool(ctx.cfg.databaseUrl, options);
      closers.push(() => pool.end());
      return pool;
    },
    async upstream({ whenUnreachable }) {
      const c = ctx.cfg;
      let simulatorUrl: string | undefined;
      const { upstreamFromConfig } = await import('../upstream/client.ts');
      if (c.apiBase !== undefined) {
        // said within seconds, instead of after minutes of retries
        const { upstreamUnreachable } = await import('./upstream-check.ts');
        const unreachable = await upstreamUnreachable(c.apiBase);
        if (unreachable && whenUnreachable === 'exit') fail(EXIT.UPSTREAM, `${unreachable}. Nothing was loaded.`);
        if (unreachable) ctx.log.error(`${unreachable}; the collector keeps retrying on every tick`);
      } else {
        const { startSimulator } = await import('../simulator/server.ts');
        const simulator = await startSimulator({ port: 0, ...DEMO_SIMULATOR, pageSize: c.apiPageSize });
        closers.push(() => simulator.close());
        simulatorUrl = simulator.url;
        ctx.log.info(
          `API_BASE is not set: collecting from the built-in simulator at ${simulator.url} ` +
            `(${DEMO_SIMULATOR.agents} agents, seed ${DEMO_SIMULATOR.seed}); set API_BASE and its credentials in .env for the real upstream`,
        );
      }
      const upstream = upstreamFromConfig(c, { ...(simulatorUrl ? { baseUrl: simulatorUrl, ...DEMO_CREDENTIALS } : {}), log: ctx.log });
      closers.push(() => upstream.close());
      return upstream;
    },
    async close() {
      for (let close = closers.pop(); close; close = closers.pop()) await close();
    },
  };

  let code: ExitCode;
  try {
    code = await body(ctx);
  } catch (err) {
    if (err instanceof UsageError) usage(err);
    // a procedure's refusal: its SQLSTATE says which, src/db/refusals.ts its exit code
    const refusal = refusalOf(err);
    if (refusal) fail(refusal.exit, `${command} refused: ${refusal.meaning}: ${(err as Error).message}`);
    const db = cfg && databaseProblem(err, cfg.databaseUrl);
    fail(db ? EXIT.DATABASE : EXIT.FAILED, db || `${command} failed: ${(err as Error)?.message ?? String(err)}`);
  }
  // the work is done and its code decided: a pool or a server that closes badly changes neither
  await ctx.close().catch(() => {});
  process.exit(code);
}
