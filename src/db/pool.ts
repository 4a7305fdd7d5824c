// MySQL/MariaDB connections. Every session works in UTC so TIMESTAMP columns read the
// same whatever the server's zone; report hours never depend on it (rules §4). Every
// session also runs under MySQL 8's default sql_mode, whatever the server's own: MariaDB
// then refuses what MySQL would (a column neither grouped nor aggregated, a zero date),
// and the routines migrate creates keep that mode, since a routine runs with the mode it
// was created under.
import mysql from 'mysql2/promise';
import type { Pool, PoolOptions, Connection, ConnectionOptions } from 'mysql2/promise';
import { databaseName, withDatabase } from '../config.ts';
import { one } from './query.ts';
import './iconv.ts';

/** MySQL 8.0's and 8.4's default sql_mode. */
export const SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

/** What every session runs first. */
const SESSION_SETUP = `SET time_zone = '+00:00', sql_mode = '${SQL_MODE}'`;

const common = {
  timezone: 'Z',
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: false,
  decimalNumbers: true,
  charset: 'utf8mb4_bin',
} as const;

function withUrl<T extends object>(databaseUrl: string, extra: T): T & { uri: string } {
  return { uri: databaseUrl, ...common, ...extra };
}

/** A pool for the service. `connectionLimit` stays small: the work happens in the database. */
export function createPool(databaseUrl: string, options: Partial<PoolOptions> = {}): Pool {
  const pool = mysql.createPool(withUrl(databaseUrl, { connectionLimit: 8, ...options }) as PoolOptions);
  pool.pool.on('connection', (conn) => {
    // queued before any query the pool hands this connection out for
    conn.query(SESSION_SETUP);
  });
  return pool;
}

/**
 * Opens `n` of the pool's sessions now, side by side, and hands them back idle: the first
 * queries of a run then find them ready instead of waiting for a connect each, one after
 * another. An error is dropped: the queries that follow meet it again and say it.
 */
export function warmUp(pool: Pool, n: number): void {
  for (let i = 0; i < n; i++) {
    pool.getConnection().then(
      (conn) => conn.release(),
      () => {},
    );
  }
}

/** One connection; `multipleStatements` for SQL files that hold several statements. */
export async function connect(databaseUrl: string, options: Partial<ConnectionOptions> = {}): Promise<Connection> {
  const conn = await mysql.createConnection(withUrl(databaseUrl, options) as ConnectionOptions);
  await conn.query(SESSION_SETUP);
  return conn;
}

/** Creates the database named in the URL when it is missing. Returns true if it was created. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const server = await connect(withDatabase(databaseUrl, ''));
  try {
    if ((await one(server, 'SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [name])) !== undefined) return false;
    await server.query(`CREATE DATABASE ${mysql.escapeId(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    return true;
  } finally {
    await server.end();
  }
}
