// What every command does when it cannot go on: one line on stderr, {"error": "..."}, the
// same form as the API's error bodies, naming the fix; never a stack trace. Each kind of
// failure has its own exit code, so a supervisor or a nightly script can tell them apart
// (README, "Exit codes").
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { LOG_LEVELS, scrubSecrets } from '../log.ts';

export const EXIT = {
  /** Everything done. */
  OK: 0,
  /** The work ran but part of it failed (windows listed; run again). */
  FAILED: 1,
  /** A flag or argument is wrong. */
  USAGE: 2,
  /** Refused: REPORT_TZ changed under existing data. */
  REFUSED: 3,
  /** The upstream (API_BASE) cannot be reached or refuses the credentials. */
  UPSTREAM: 4,
  /** The database (DATABASE_URL) cannot be reached, refuses the login, or is not migrated. */
  DATABASE: 5,
  /** The HTTP server cannot listen (port in use, address not on this machine). */
  LISTEN: 6,
  /** backfill --wipe was not confirmed: nothing was changed. */
  NOT_CONFIRMED: 7,
  /** A configuration variable is missing or malformed (sysexits EX_CONFIG). */
  CONFIG: 78,
  /** Stopped by SIGINT/SIGTERM before the end (a backfill; the service itself exits 0). */
  STOPPED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Prints `{"error": message}` on stderr and exits with `code`. */
export function fail(code: ExitCode, message: string): never {
  process.stderr.write(JSON.stringify({ error: scrubSecrets(message) }) + '\n');
  process.exit(code);
}

/** The configuration, or exit 78 naming the variable. Also checks LOG_LEVEL and LOG_FORMAT. */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    const cfg = loadConfig();
    const level = env.LOG_LEVEL?.trim().toLowerCase();
    if (level && !(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not a level: use one of ${LOG_LEVELS.join(', ')} (default info).`);
    }
    const format = env.LOG_FORMAT?.trim().toLowerCase();
    if (format && format !== 'json' && format !== 'pretty') {
      throw new ConfigError(`LOG_FORMAT=${JSON.stringify(env.LOG_FORMAT)}: use json or pretty, or remove it (JSON unless the output is a terminal).`);
    }
    return cfg;
  } catch (err) {
    if (err instanceof ConfigError) fail(EXIT.CONFIG, `configuration error: ${err.message}`);
    throw err;
  }
}

/**
 * `npm run report --startDate 2025-09-07` (no `--`): npm keeps the flags for itself (they
 * arrive as npm_config_* variables) and passes only the values. Returns the hint, or
 * undefined when no flag of ours was taken.
 */
export function npmSwallowedHint(
  script: string,
  flags: string[],
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): string | undefined {
  if (env.npm_lifecycle_event === undefined) return undefined;
  const cmd = script === 'start' ? 'npm start' : `npm run ${script}`;
  const taken = flags.filter((f) => env[`npm_config_${f.toLowerCase().replaceAll('-', '_')}`] !== undefined);
  if (taken.length > 0) return `npm took ${taken.map((f) => '--' + f).join(', ')} for itself: put -- before the flags, e.g. ${cmd} -- --${taken[0]} ...`;
  // npm can also read a flag as its own one-letter flags (--days is -d -a -y -s), leaving
  // no npm_config_ of that name: a bare value first, where only flags go, is its trace
  const first = argv[0];
  if (flags.length === 0 || first === undefined || first.startsWith('-')) return undefined;
  const flag = flags.length === 1 ? `--${flags[0]}` : 'the flag before it';
  const example = flags.length === 1 ? `--${flags[0]} ${first}` : `--<flag> ${first}`;
  return `npm took ${flag} for itself and passed only "${first.slice(0, 40)}": put -- before the flags, e.g. ${cmd} -- ${example}`;
}
