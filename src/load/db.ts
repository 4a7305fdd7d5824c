// What the loader needs from mysql2: something that runs a query. A pool, a pooled
// connection or a single connection all do; callers that need a transaction pass a connection.
import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolConnection } from 'mysql2/promise';

export type Db = Pool | PoolConnection | Connection;

/** Rows of a SELECT as plain objects. */
export async function select<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query(sql, params);
  return rows as T[];
}

/** SQL literal of a value (strings escaped, null as NULL, numbers as they are). */
export const lit = (v: string | number | null): string => mysql.escape(v);

/** Largest statement the loader builds; MySQL's default max_allowed_packet is 16-64 MB. */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
