// The service's logger: pino underneath, so a log pipeline gets one JSON object per line
// (time in UTC, level as a word, msg, then the fields). On a terminal (or LOG_FORMAT=pretty)
// the same record is printed as one readable line: `<ISO time> <level> <msg> key=value ...`.
// Secrets are removed here, once, for every caller: fields named like a secret are
// censored (pino's redact), and any registered secret value or URL password is cut out of
// the message and every string field.
import { pino, type Logger as Pino, type LevelWithSilent } from 'pino';
import { DateTime } from 'luxon';

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  /** LOG_LEVEL; default info. */
  level?: LevelWithSilent;
  /** LOG_FORMAT; default json unless `write` is given or stdout is a terminal. */
  format?: LogFormat;
  /** Where each line goes (without its newline); default stdout. */
  write?: (line: string) => void;
}

/** Field names whose values are never printed, at the top level or one object down. */
const SECRET_KEYS = ['password', 'apiPassword', 'token', 'accessToken', 'access_token', 'refreshToken', 'authorization', 'reportApiTokens', 'cookie'];
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'headers.authorization', 'req.headers.authorization'];

/** Secret values (API_PASSWORD, report tokens, upstream access tokens) to cut from every line. */
const secrets = new Set<string>();
const MAX_SECRETS = 200;

/** Registers a value that must never appear in a log line (short values are ignored). */
export function registerSecret(value: string | null | undefined): void {
  if (!value || value.length < 4) return;
  if (secrets.size >= MAX_SECRETS) secrets.delete(secrets.values().next().value!);
  secrets.add(value);
}

/** The password of any scheme://user:password@ URL, and every registered secret, replaced by ***. */
export function scrubSecrets(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1***@');
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

function scrubValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (v instanceof Error) return scrubSecrets(v.message);
  if (depth < 3 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x, depth + 1)]));
  }
  return v;
}

/** One readable line from one pino JSON record: the format the service always printed. */
function prettyLine(record: Record<string, unknown>): string {
  const { time, level, msg, ...fields } = record;
  const parts = [String(time), String(level), String(msg ?? '')];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    parts.push(`${k}=${/[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s}`);
  }
  return parts.join(' ');
}

function wrap(p: Pino): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: Fields): void => {
      if (!p.isLevelEnabled(level)) return;
      if (fields === undefined) p[level](scrubSecrets(msg));
      else p[level](scrubValue(fields) as object, scrubSecrets(msg));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The format for LOG_FORMAT (json | pretty), else pretty on a terminal and JSON otherwise. */
function defaultFormat(env: Record<string, string | undefined> = process.env): LogFormat {
  const f = env.LOG_FORMAT?.trim().toLowerCase();
  if (f === 'json' || f === 'pretty') return f;
  return process.stdout.isTTY ? 'pretty' : 'json';
}

export function createLogger(options: LoggerOptions | ((line: string) => void) = {}): Logger {
  const opts: LoggerOptions = typeof options === 'function' ? { write: options, format: 'pretty' } : options;
  const format = opts.format ?? (opts.write ? 'pretty' : defaultFormat());
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const destination = {
    write(chunk: string) {
      const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
      write(format === 'json' ? line : prettyLine(JSON.parse(line) as Record<string, unknown>));
    },
  };
  const p = pino(
    {
      level: opts.level ?? 'info',
      base: format === 'json' ? { pid: process.pid } : undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '***' },
    },
    destination,
  );
  return wrap(p);
}

/** The logger every command uses: LOG_LEVEL and LOG_FORMAT from the environment (config checks them). */
export function loggerFromEnv(env: Record<string, string | undefined> = process.env): Logger {
  const level = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LevelWithSilent;
  return createLogger({ level: (LOG_LEVELS as readonly string[]).includes(level) ? level : 'info', format: defaultFormat(env) });
}

/** A logger that keeps lines in memory (the readable form), for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ write: (l) => lines.push(l), format: 'pretty' }), { lines });
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A UTC instant as the REPORT_TZ wall-clock time beside it in logs: "2025-09-07 09:00+04:00". */
export function localTime(ts: number, tz: string): string {
  return DateTime.fromSeconds(ts, { zone: tz }).toFormat("yyyy-MM-dd HH:mm:ssZZ").replace(/:00(?=[+-])/, '');
}
