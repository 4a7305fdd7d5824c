// A crash can fall between any two statements of a migration file (DDL commits on its own)
// or after a file's last statement but before postgrator records its version. Killing the
// server at random instants seldom lands there, so this walks every such point: for each
// file, each prefix of its statements is applied as if a run had died right after it, and
// the next run (the whole file again, as migrate re-runs an unrecorded file) must succeed.
// The database built that way must then equal a cleanly migrated one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { connect } from '../src/db/pool.ts';
import { runRerunnable, statements } from '../src/db/rerunnable.ts';
import { createTestDatabase, dropDatabase, serverUrl, TEST_CALENDAR, testDatabasePrefix, type TestDatabase } from './helpers/database.ts';

const MIGRATIONS = join(import.meta.dirname, '..', 'db', 'migrations');
const WRITTEN_AT = new Set(['updated_at', 'created_at', 'run_at', 'applied_at']);

/** Every column, key and partitioning of a database, and the rows of its tables, as comparable text. */
async function describeDatabase(conn: mysql.Connection, db: string): Promise<Record<string, string>> {
  const text = async (sql: string): Promise<string> => {
    const [r] = await conn.query(sql, [db]);
    return JSON.stringify(r);
  };
  const shape: Record<string, string> = {
    columns: await text(
      `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    ),
    keys: await text(
      `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    ),
    partitions: await text(
      `SELECT TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, PARTITION_DESCRIPTION
         FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION`,
    ),
    checks: await text(
      `SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY CONSTRAINT_NAME`,
    ),
  };
  const [tables] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    [db],
  );
  for (const { t } of tables) {
    // rows written at different instants differ in when they were written, nothing else
    const [r] = await conn.query<mysql.RowDataPacket[]>(`SELECT * FROM ${mysql.escapeId(db)}.${mysql.escapeId(t)}`);
    const timeless = r.map((row) => JSON.stringify(Object.entries(row).filter(([k]) => !WRITTEN_AT.has(k))));
    shape[`rows of ${t}`] = JSON.stringify(timeless.sort());
  }
  return shape;
}

describe('migrate after a crash between any two statements', () => {
  let clean: TestDatabase | undefined;
  const crashed = `${testDatabasePrefix()}crashpts_${process.pid}`;
  afterAll(async () => {
    if (clean) await dropDatabase(clean);
    const server = await connect(serverUrl());
    await server.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(crashed)}`);
    await server.end();
  });

  it('re-runs every migration file after each of its statements, and ends equal to a clean migrate', async () => {
    clean = await createTestDatabase('migrate-crash-points');
    const server = await connect(serverUrl());
    await server.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(crashed)}`);
    await server.query(`CREATE DATABASE ${mysql.escapeId(crashed)}`);
    await server.end();
    const url = withDatabase(serverUrl(), crashed);
    const conn = await connect(url);
    const files = (await readdir(MIGRATIONS)).filter((f) => /^\d+\.do\..*\.sql$/.test(f)).sort();
    let points = 0;
    try {
      for (const file of files) {
        const all = statements(await readFile(join(MIGRATIONS, file), 'utf8'));
        // a run that died after statement k (k = 1..all), then the next run's pass over the
        // file so far; the last pass is a run that died after the whole file, before its record
        for (let k = 1; k <= all.length + 1; k++) {
          points++;
          await expect(
            runRerunnable(all.slice(0, k).join(';\n'), (st) => conn.query(st), () => {}),
            `${file}, re-run after a crash that followed its statement ${Math.min(k, all.length)} of ${all.length}`,
          ).resolves.toBeUndefined();
        }
      }
    } finally {
      await conn.end();
    }
    // every file ran at least twice: once as the crashed run, once as the run after it
    expect(points).toBeGreaterThanOrEqual(2 * files.length);
    // each file's version recorded, as postgrator records it after the file (the walk ran
    // them in order, so this is the state after the last one's record), then migrate's
    // routines, calendar and partitions
    const records = await connect(serverUrl());
    await records.query(`CREATE TABLE ${mysql.escapeId(crashed)}.schemaversion LIKE ${mysql.escapeId(clean.name)}.schemaversion`);
    await records.query(`INSERT INTO ${mysql.escapeId(crashed)}.schemaversion SELECT * FROM ${mysql.escapeId(clean.name)}.schemaversion`);
    await records.end();
    expect((await migrate({ databaseUrl: url, reportTz: clean.reportTz, calendar: TEST_CALENDAR })).migrations).toEqual([]);
    expect((await migrate({ databaseUrl: url, reportTz: clean.reportTz, calendar: TEST_CALENDAR })).migrations).toEqual([]);

    const reader = await connect(serverUrl());
    try {
      const want = await describeDatabase(reader, clean.name);
      const got = await describeDatabase(reader, crashed);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const part of Object.keys(want)) expect(got[part], part).toBe(want[part]);
    } finally {
      await reader.end();
    }
  }, 300_000);
});
