// How the code reads from mysql2, in one place: select() for the rows of a query, one() for
// its first row. Either takes a pool, a pooled connection or a single connection; callers
// that need a transaction pass a connection.
import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolConnection } from 'mysql2/promise';

export type Db = Pool | PoolConnection | Connection;

/** Rows of a SELECT as plain objects. */
export async function select<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query(sql, params);
  return rows as T[];
}

/** The first row of a SELECT, or undefined when it returns none. */
export async function one<T>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await select<T>(db, sql, params))[0];
}

/** Characters MySQL string literals need escaped (as mysql2's own escaper does). */
const NEEDS_ESCAPE = /[\0\b\t\n\r\x1a"'\\]/;

/** SQL literal of a value (strings escaped, null as NULL, numbers as they are). */
export function lit(v: string | number | null): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? mysql.escape(v) : "'" + v + "'";
  if (v === null) return 'NULL';
  return mysql.escape(v);
}

/**
 * SQL literal of a value as JSON text (null and undefined as NULL). JSON text holds no raw
 * control characters, so only backslashes and quotes need escaping, and most records
 * have neither: no scan through the general escaper.
 */
export function litJson(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const s = JSON.stringify(v);
  return "'" + (s.includes('\\') || s.includes("'") ? s.replace(/[\\']/g, '\\$&') : s) + "'";
}

const literals = new Map<string, string>();

/**
 * lit() for values that repeat a lot (extensions, event types, states, names): remembered,
 * up to a bound, so each is escaped once.
 */
export function litRepeated(v: string | null): string {
  if (v === null) return 'NULL';
  let l = literals.get(v);
  if (l === undefined) {
    l = lit(v);
    if (literals.size >= 100_000) literals.clear();
    literals.set(v, l);
  }
  return l;
}

/**
 * Runs `template` with its single `?` replaced by `sql` as is. mysql2 scans a whole
 * statement for placeholders before sending it, which costs more than building a
 * multi-row INSERT; a raw value is not scanned.
 */
export function queryRaw(db: Db, template: string, sql: string): Promise<unknown> {
  return db.query(template, [mysql.raw(sql)]);
}

/** Largest statement the loader builds; MySQL's default max_allowed_packet is 16-64 MB. */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
