// Which database answers a user (README: Running on several servers). Every read that answers a request (the report,
// the timeline, /api/status, /metrics' horizon, the page's data, token look-ups) uses the
// pool chosen here: REPORT_DATABASE_URL's (a read replica) when it is set, else the one of
// DATABASE_URL. Everything that writes keeps DATABASE_URL. No route opens a connection of
// its own; the HTTP server hands this pool to them as `ctx.readPool`.
//
// An answer made of several queries reads them in one snapshot (inSnapshot): the horizon,
// the loaded time and the rows then belong to the same moment of the server that answers,
// so a replica that lags shows its newest hours as Not Loaded, never half-filled.
import type { Pool, PoolConnection, PoolOptions } from 'mysql2/promise';
import type { Config } from '../config.ts';
import { createPool } from './pool.ts';

/**
 * A replica that does not answer fails a read within this long instead of leaving the
 * request waiting for the operating system's TCP timeout (minutes).
 */
export const READ_CONNECT_TIMEOUT_MS = 5000;

/** How long the statements that open a read may wait for the server (mysql2's query timeout). */
export const READ_START_TIMEOUT_MS = 5000;

/**
 * How long a plain query on the read pool may take (token and team look-ups, small reads):
 * a hung server fails them instead of holding the request. A read longer than this takes a
 * connection and a snapshot (inSnapshot), which has no limit once it has started.
 */
export const READ_QUERY_TIMEOUT_MS = 10_000;

/** Connections for the report server's reads: REPORT_MAX_STREAMS streams, plus room for status and health. */
export function readPoolSize(cfg: Pick<Config, 'reportMaxStreams'>): number {
  return cfg.reportMaxStreams + 2;
}

export interface Readers {
  /** The pool for every user-facing read (a plain query on it times out: READ_QUERY_TIMEOUT_MS). */
  pool: Pool;
  /** The URL behind `pool` (may hold a password: never log it). */
  url: string;
  /** The variable that names it, for messages an operator acts on. */
  variable: 'REPORT_DATABASE_URL' | 'DATABASE_URL';
  /** True when reads go to REPORT_DATABASE_URL. */
  replica: boolean;
  /** Closes the pool when it was opened here (the write pool is its owner's to close). */
  close(): Promise<void>;
}

/** The database user-facing reads go to, and the variable that names it. */
export function readTarget(cfg: Pick<Config, 'databaseUrl' | 'reportDatabaseUrl'>): Pick<Readers, 'url' | 'variable' | 'replica'> {
  return cfg.reportDatabaseUrl === undefined
    ? { url: cfg.databaseUrl, variable: 'DATABASE_URL', replica: false }
    : { url: cfg.reportDatabaseUrl, variable: 'REPORT_DATABASE_URL', replica: true };
}

/**
 * The readers for this configuration. Without REPORT_DATABASE_URL they use `writePool`
 * (its connections; the caller sized it for reports); with it, a pool of its own on the replica.
 */
export function openReaders(cfg: Pick<Config, 'databaseUrl' | 'reportDatabaseUrl'>, writePool: Pool, options: Partial<PoolOptions> = {}): Readers {
  const target = readTarget(cfg);
  if (!target.replica) return { ...target, pool: withQueryTimeout(writePool), close: async () => {} };
  const pool = createPool(target.url, { connectTimeout: READ_CONNECT_TIMEOUT_MS, ...options });
  return { ...target, pool: withQueryTimeout(pool), close: () => pool.end() };
}

/** The same pool, whose query() and execute() with SQL text carry READ_QUERY_TIMEOUT_MS. */
function withQueryTimeout(pool: Pool): Pool {
  return new Proxy(pool, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if ((prop === 'query' || prop === 'execute') && typeof value === 'function') {
        return (sql: unknown, ...rest: unknown[]) =>
          (value as (...a: unknown[]) => unknown).call(target, typeof sql === 'string' ? { sql, timeout: READ_QUERY_TIMEOUT_MS } : sql, ...rest);
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Starts a consistent read-only snapshot on `conn` (REPEATABLE READ): every query until
 * COMMIT sees the database as it was at this moment, whatever commits or replicates meanwhile.
 */
export async function beginSnapshot(conn: PoolConnection, writesTemporaryTables = false): Promise<void> {
  // Two statements a live server answers at once: a server that hangs (a stuck host, a
  // paused process) fails the read here within seconds, before a long query waits on it.
  await conn.query({ sql: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', timeout: READ_START_TIMEOUT_MS });
  // a READ ONLY transaction refuses even temporary tables, which the Now routines fill
  await conn.query({ sql: `START TRANSACTION WITH CONSISTENT SNAPSHOT${writesTemporaryTables ? '' : ', READ ONLY'}`, timeout: READ_START_TIMEOUT_MS });
}

/** Runs `read` inside one snapshot on a connection of `pool`, and gives the connection back. */
export async function inSnapshot<T>(pool: Pool, read: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  let clean = false;
  try {
    await beginSnapshot(conn);
    const result = await read(conn);
    await conn.query('COMMIT');
    clean = true;
    return result;
  } finally {
    // a connection left inside a failed transaction (or lost) is not handed out again
    if (clean) conn.release();
    else conn.destroy();
  }
}
