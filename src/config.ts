// The service's configuration from the environment (and .env). Every module that does the
// work receives a Config; besides this file only the logger (LOG_LEVEL, LOG_FORMAT, src/log.ts)
// and the command runner (npm's own variables, src/cli/exit.ts) read the environment.
import { IANAZone } from 'luxon';
import dotenv from 'dotenv';
import { wholeNumber } from './numbers.ts';

export interface Config {
  databaseUrl: string;
  /** REPORT_DATABASE_URL: a read replica for every read that answers a user; undefined: DATABASE_URL. */
  reportDatabaseUrl: string | undefined;
  /** Upstream API base URL; undefined means "run the built-in simulator". */
  apiBase: string | undefined;
  apiUsername: string;
  apiPassword: string;
  tenant: string;
  accountId: string;
  apiPageSize: number;
  reportTz: string;
  reportMaxDays: number;
  port: number;
  host: string;
  reportApiTokens: string[];
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** A cron expression, or COLLECT_CRON_OFF: this process serves reports and collects nothing. */
  collectCron: string;
  collectOverlapMinutes: number;
  /** A report client that takes no bytes for this long is cut, seconds. */
  reportIdleTimeoutS: number;
  /** Report streams served at once; more get 503 with Retry-After. */
  reportMaxStreams: number;
  /** Report streams one client (its token, else its address) may hold at once. */
  reportMaxStreamsPerClient: number;
  /** A report client that takes fewer bytes a second than this, over REPORT_IDLE_TIMEOUT_S while bytes wait for it, is cut; 0: no such cut. */
  reportMinBytesPerS: number;
  /** One upstream call (headers and body) may take this long, seconds. */
  upstreamCallTimeoutS: number;
  /** One window (all its calls and retries) may take this long, seconds. */
  upstreamWindowTimeoutS: number;
  /** Largest upstream response body, MB. */
  upstreamMaxBodyMb: number;
  /** Raw events and stats older than this many days are pruned; undefined keeps everything. */
  rawRetentionDays: number | undefined;
  /** The schedule file (REPORT_SCHEDULES); undefined: no scheduled reports. */
  reportSchedules: string | undefined;
  /** SMTP server for scheduled reports by e-mail (SMTP_URL, smtp:// or smtps://) and the sender (SMTP_FROM). */
  smtpUrl: string | undefined;
  smtpFrom: string | undefined;
  /** How long a scheduled report waits for its range to be loaded before it is sent with a note, minutes. */
  scheduleWaitMinutes: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? fallback : v;
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  return wholeNumber(
    raw,
    { min, max },
    (allowed) => new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: set ${name} to ${allowed}, or remove it to use the default ${fallback}.`),
  );
}

/** COLLECT_CRON=off: the HTTP server alone (a report server behind a load balancer). */
export const COLLECT_CRON_OFF = 'off';

/** RAW_RETENTION_DAYS and npm run prune --days. */
export const RETENTION_DAYS = { min: 1, max: 36500, of: 'days' };

function retentionDays(env: Env): number | undefined {
  const raw = optional(env, 'RAW_RETENTION_DAYS');
  if (raw === undefined) return undefined;
  return wholeNumber(
    raw,
    RETENTION_DAYS,
    (allowed) => new ConfigError(`RAW_RETENTION_DAYS=${JSON.stringify(raw)} is not valid: set it to ${allowed}, or remove it to keep all raw data.`),
  );
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const raw = optional(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: set it like ${protocols[0]}//host:port/path.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')} (got ${parsed.protocol}//).`);
  }
  return raw;
}

/** Reads and validates configuration. `env` defaults to process.env after loading `.env`. */
export function loadConfig(env?: Env): Config {
  if (env === undefined) {
    dotenv.config({ quiet: true });
    env = process.env;
  }
  const databaseUrl = url(env, 'DATABASE_URL', 'mysql://root@127.0.0.1:3306/apr', ['mysql:', 'mariadb:'])!;
  if (databaseName(databaseUrl) === '') {
    throw new ConfigError('DATABASE_URL names no database: add one at the end, e.g. mysql://root@127.0.0.1:3306/apr.');
  }
  const reportDatabaseUrl = url(env, 'REPORT_DATABASE_URL', undefined, ['mysql:', 'mariadb:']);
  if (reportDatabaseUrl !== undefined && databaseName(reportDatabaseUrl) === '') {
    throw new ConfigError('REPORT_DATABASE_URL names no database: add the same database name as DATABASE_URL at the end, e.g. mysql://apr_reader@replica:3306/apr.');
  }
  const reportTz = text(env, 'REPORT_TZ', 'Asia/Dubai');
  if (!IANAZone.isValidZone(reportTz)) {
    throw new ConfigError(`REPORT_TZ=${JSON.stringify(reportTz)} is not an IANA time zone: use a name such as Asia/Dubai or Europe/London.`);
  }
  const apiBase = url(env, 'API_BASE', undefined, ['http:', 'https:']);
  const reportMaxStreams = integer(env, 'REPORT_MAX_STREAMS', 4, 1, 100);
  const cfg: Config = {
    databaseUrl,
    reportDatabaseUrl,
    apiBase,
    apiUsername: text(env, 'API_USERNAME', ''),
    apiPassword: text(env, 'API_PASSWORD', ''),
    tenant: text(env, 'TENANT', ''),
    accountId: text(env, 'ACCOUNT_ID', ''),
    apiPageSize: integer(env, 'API_PAGE_SIZE', 2000, 1, 1_000_000),
    reportTz,
    reportMaxDays: integer(env, 'REPORT_MAX_DAYS', 93, 1, 3660),
    port: integer(env, 'PORT', 6699, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    reportApiTokens: (optional(env, 'REPORT_API_TOKENS') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    tlsCertFile: optional(env, 'TLS_CERT_FILE'),
    tlsKeyFile: optional(env, 'TLS_KEY_FILE'),
    collectCron: text(env, 'COLLECT_CRON', '*/10 * * * *'),
    collectOverlapMinutes: integer(env, 'COLLECT_OVERLAP_MINUTES', 30, 0, 1440),
    reportIdleTimeoutS: integer(env, 'REPORT_IDLE_TIMEOUT_S', 60, 1, 3600),
    reportMaxStreams,
    // Half the slots, rounded up: one client (a stalled laptop, a script in a loop) cannot
    // take every slot, and with the default of 4 two clients can still stream side by side.
    reportMaxStreamsPerClient: integer(env, 'REPORT_MAX_STREAMS_PER_CLIENT', Math.ceil(reportMaxStreams / 2), 1, reportMaxStreams),
    reportMinBytesPerS: integer(env, 'REPORT_MIN_BYTES_PER_S', 4096, 0, 1_000_000_000),
    upstreamCallTimeoutS: integer(env, 'UPSTREAM_CALL_TIMEOUT_S', 60, 1, 3600),
    upstreamWindowTimeoutS: integer(env, 'UPSTREAM_WINDOW_TIMEOUT_S', 180, 1, 86400),
    upstreamMaxBodyMb: integer(env, 'UPSTREAM_MAX_BODY_MB', 32, 1, 1024),
    rawRetentionDays: retentionDays(env),
    reportSchedules: optional(env, 'REPORT_SCHEDULES'),
    smtpUrl: url(env, 'SMTP_URL', undefined, ['smtp:', 'smtps:']),
    smtpFrom: optional(env, 'SMTP_FROM'),
    scheduleWaitMinutes: integer(env, 'SCHEDULE_WAIT_MINUTES', 60, 0, 1440),
  };
  if (apiBase !== undefined) {
    for (const name of ['API_USERNAME', 'API_PASSWORD', 'TENANT', 'ACCOUNT_ID'] as const) {
      if (optional(env, name) === undefined) {
        throw new ConfigError(`${name} is required when API_BASE is set: add it to .env (see .env.example), or unset API_BASE to use the built-in simulator.`);
      }
    }
  }
  if ((cfg.tlsCertFile === undefined) !== (cfg.tlsKeyFile === undefined)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE go together: set both for HTTPS, or neither for plain HTTP.');
  }
  if (cfg.collectCron.toLowerCase() === COLLECT_CRON_OFF) cfg.collectCron = COLLECT_CRON_OFF;
  else if (cfg.collectCron.split(/\s+/).length < 5 || cfg.collectCron.split(/\s+/).length > 6) {
    throw new ConfigError(`COLLECT_CRON=${JSON.stringify(cfg.collectCron)} is not a cron expression: use five fields, e.g. "*/10 * * * *", or off to collect nothing in this process.`);
  }
  return cfg;
}

/** The database named in a mysql:// URL ('' when none). */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/** The same URL pointing at another database (or at none, with ''). */
export function withDatabase(databaseUrl: string, name: string): string {
  const u = new URL(databaseUrl);
  u.pathname = name === '' ? '/' : '/' + encodeURIComponent(name);
  return u.toString();
}

/** A copy of the config that is safe to log: secrets replaced. */
export function redacted(cfg: Config): Record<string, unknown> {
  const hide = (u: string) => {
    const parsed = new URL(u);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  };
  return {
    ...cfg,
    databaseUrl: hide(cfg.databaseUrl),
    reportDatabaseUrl: cfg.reportDatabaseUrl === undefined ? undefined : hide(cfg.reportDatabaseUrl),
    smtpUrl: cfg.smtpUrl === undefined ? undefined : hide(cfg.smtpUrl),
    apiPassword: cfg.apiPassword ? '***' : '',
    reportApiTokens: `${cfg.reportApiTokens.length} token(s)`,
  };
}
