// MySQL/MariaDB connections. Every session works in UTC so TIMESTAMP columns read the
// same whatever the server's zone; report hours never depend on it (SPEC §4).
import mysql from 'mysql2/promise';
import type { Pool, PoolOptions, Connection, ConnectionOptions } from 'mysql2/promise';
import { databaseName, withDatabase } from '../config.ts';

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
    conn.query("SET time_zone = '+00:00'");
  });
  return pool;
}

/** One connection; `multipleStatements` for SQL files that hold several statements. */
export async function connect(databaseUrl: string, options: Partial<ConnectionOptions> = {}): Promise<Connection> {
  const conn = await mysql.createConnection(withUrl(databaseUrl, options) as ConnectionOptions);
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

/** Creates the database named in the URL when it is missing. Returns true if it was created. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const server = await connect(withDatabase(databaseUrl, ''));
  try {
    const [rows] = await server.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [name]);
    if ((rows as unknown[]).length > 0) return false;
    await server.query(`CREATE DATABASE ${mysql.escapeId(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    return true;
  } finally {
    await server.end();
  }
}

/** Database error codes this project handles by name. */
export const ER_DUP_ENTRY = 'ER_DUP_ENTRY';
export const ER_LOCK_DEADLOCK = 'ER_LOCK_DEADLOCK';
export const ER_LOCK_WAIT_TIMEOUT = 'ER_LOCK_WAIT_TIMEOUT';
export const ER_SIGNAL_EXCEPTION = 'ER_SIGNAL_EXCEPTION';
