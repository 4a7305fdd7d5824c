// A throw-away database per test file, built by the real migrations. It is dropped when
// the file passes and kept when a test failed, so it can be inspected.
import { createHash } from 'node:crypto';
import { inject, afterAll, beforeAll, onTestFailed } from 'vitest';
import mysql from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import { withDatabase } from '../../src/config.ts';
import { connect, createPool } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';

/** The calendar the tests need: the fixtures (2025), the simulator's "now", DST days. */
export const TEST_CALENDAR = { from: '2024-01-01', to: '2028-01-01' };

/** Test databases are named `<TEST_DATABASE_PREFIX><hash>`, so a shared server shows whose they are. */
export function testDatabasePrefix(): string {
  const prefix = process.env.TEST_DATABASE_PREFIX ?? 'apr_t_';
  if (!/^[A-Za-z0-9_]{1,40}$/.test(prefix)) {
    throw new Error(`TEST_DATABASE_PREFIX=${JSON.stringify(prefix)}: use 1-40 letters, digits or underscores (default apr_t_)`);
  }
  return prefix;
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  reportTz: string;
}

export function serverUrl(): string {
  return inject('serverUrl');
}

/** `nameLength` pads the name to that many characters (MySQL allows 64), for tests of long names. */
export async function createTestDatabase(tag: string, reportTz = 'Asia/Dubai', nameLength?: number): Promise<TestDatabase> {
  const hash = createHash('sha1').update(`${tag}:${process.pid}:${Date.now()}:${Math.random()}`).digest('hex');
  let name = `${testDatabasePrefix()}${hash.slice(0, 12)}`;
  if (nameLength !== undefined) name = `${name}_${hash}${hash}`.slice(0, nameLength);
  const url = withDatabase(serverUrl(), name);
  await migrate({ databaseUrl: url, reportTz, calendar: TEST_CALENDAR });
  return { name, url, pool: createPool(url), reportTz };
}

export async function dropDatabase(db: TestDatabase): Promise<void> {
  await db.pool.end();
  const server = await connect(serverUrl());
  await server.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(db.name)}`);
  await server.end();
}

/**
 * Registers beforeAll/afterAll for a file-scoped database. Use the returned getter in tests.
 */
export function useTestDatabase(tag: string, reportTz = 'Asia/Dubai', nameLength?: number): () => TestDatabase {
  let db: TestDatabase | undefined;
  let failed = false;
  beforeAll(async () => {
    db = await createTestDatabase(tag, reportTz, nameLength);
  });
  afterAll(async () => {
    if (!db) return;
    if (failed) {
      await db.pool.end();
      console.warn(`kept database ${db.name} for inspection (a test failed)`);
    } else {
      await dropDatabase(db);
    }
  });
  return () => {
    try {
      onTestFailed(() => {
        failed = true;
      });
    } catch {
      // called outside a test (e.g. in a hook): nothing to mark
    }
    if (!db) throw new Error('test database not ready: call the getter inside a test or hook');
    return db;
  };
}

/** Rows of a query as plain objects. */
export async function rows<T = Record<string, unknown>>(pool: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await pool.query(sql, params);
  return r as T[];
}
