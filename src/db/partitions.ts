// Daily partitions of the raw tables (migrations 100, 101): agent_events by ts and
// users_calls by slot_start, one partition per local day of REPORT_TZ, so a day's load
// writes into index leaves that fit the buffer pool and retention drops whole days.
//
// A partition is named for its lower bound: p<local date> (p_old for the lowest, which
// has none); the top one has no upper bound (MAXVALUE), so a row always has a partition
// and a load never fails for want of one. Days are split off the partition that holds
// them (REORGANIZE PARTITION), ahead of the loads: by migrate, and by every collector run
// and backfill for its range before it loads. Rows that landed in a wider partition meanwhile
// are moved by the split; where a split cannot run (another session holds the table), the
// rows simply stay in the wider partition: only speed depends on partitions, never a figure.
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolConnection } from 'mysql2/promise';
import { one, select } from './query.ts';

/** The partitioned tables and their time column (epoch seconds). */
export const PARTITIONED = [
  { table: 'agent_events', column: 'ts' },
  { table: 'users_calls', column: 'slot_start' },
] as const;

export type PartitionedTable = (typeof PARTITIONED)[number]['table'];

/** Days split off ahead of now, so the collector's loads find theirs already there. */
export const DAYS_AHEAD = 7;

/** A DDL waits this long for a session that reads or writes the table, then gives up. */
const DDL_WAIT_S = 10;

export interface Partition {
  name: string;
  /** Inclusive lower bound; null: none (the lowest partition). */
  lo: number | null;
  /** Exclusive upper bound; null: none (MAXVALUE). */
  hi: number | null;
}

/** The table's partitions in order; empty when it is not partitioned. */
export async function partitionsOf(db: Pool | Connection, table: PartitionedTable): Promise<Partition[]> {
  return (await partitionsOfAll(db)).get(table) ?? [];
}

/** Every partitioned table's partitions in order (empty when it is not partitioned), in one look. */
async function partitionsOfAll(db: Pool | Connection): Promise<Map<PartitionedTable, Partition[]>> {
  const rows = await select<{ t: PartitionedTable; name: string | null; d: string | null }>(
    db,
    `SELECT TABLE_NAME AS t, PARTITION_NAME AS name, PARTITION_DESCRIPTION AS d FROM information_schema.PARTITIONS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION`,
    [PARTITIONED.map((p) => p.table)],
  );
  const byTable = new Map<PartitionedTable, { name: string | null; d: string | null }[]>();
  for (const r of rows) {
    const parts = byTable.get(r.t);
    if (parts) parts.push(r);
    else byTable.set(r.t, [r]);
  }
  return new Map([...byTable].map(([t, parts]) => [t, inOrder(parts)]));
}

/** One table's rows of information_schema.PARTITIONS as partitions; none when it is not partitioned (a single row, named NULL). */
function inOrder(rows: { name: string | null; d: string | null }[]): Partition[] {
  const out: Partition[] = [];
  let lo: number | null = null;
  for (const r of rows) {
    if (r.name === null) return [];
    const hi = r.d === null || r.d === 'MAXVALUE' ? null : Number(r.d);
    out.push({ name: r.name, lo, hi });
    lo = hi;
  }
  return out;
}

/** Each table's splits that make every day in `wanted` a partition (none: nothing to do). */
function cutsFor(all: Map<PartitionedTable, Partition[]>, wanted: number[]): { table: PartitionedTable; p: Partition; cuts: number[]; taken: Set<string> }[] {
  const out = [];
  for (const { table } of PARTITIONED) {
    const parts = all.get(table) ?? [];
    const taken = new Set(parts.map((p) => p.name));
    for (const p of parts) {
      const cuts = wanted.filter((b) => (p.lo === null || b > p.lo) && (p.hi === null || b < p.hi));
      if (cuts.length > 0) out.push({ table, p, cuts, taken });
    }
  }
  return out;
}

/** Local midnights of `reportTz` from the day holding fromTs to the end of the day holding toTs - 1. */
export function dayBounds(reportTz: string, fromTs: number, toTs: number): number[] {
  const bounds: number[] = [];
  let day = DateTime.fromSeconds(fromTs, { zone: reportTz }).startOf('day');
  for (;;) {
    const at = Math.floor(day.toSeconds());
    bounds.push(at);
    if (at >= toTs) break;
    day = day.plus({ days: 1 }).startOf('day');
  }
  return bounds;
}

function partitionName(bound: number, reportTz: string, taken: Set<string>): string {
  const name = `p${DateTime.fromSeconds(bound, { zone: reportTz }).toFormat('yyyyMMdd')}`;
  // a day of another zone (before migrate --rebuild-tz) may have the name already
  return taken.has(name) ? `${name}_${bound}` : name;
}

async function withDdlSession<T>(db: Pool | Connection, work: (conn: Connection | PoolConnection) => Promise<T>): Promise<T> {
  const pooled = 'getConnection' in db;
  const conn = pooled ? await (db as Pool).getConnection() : (db as Connection);
  const before = (await one<{ w: number }>(conn, 'SELECT @@SESSION.lock_wait_timeout AS w'))!.w;
  const lock = (await one<{ ok: number | null }>(conn, "SELECT GET_LOCK(fn_lock_name('partitions'), ?) AS ok", [DDL_WAIT_S]))?.ok;
  if (lock !== 1) {
    if (pooled) (conn as PoolConnection).release();
    throw new Error(`another session held the partitions lock for ${DDL_WAIT_S} s`);
  }
  try {
    await conn.query('SET SESSION lock_wait_timeout = ?', [DDL_WAIT_S]);
    return await work(conn);
  } finally {
    await conn.query('SET SESSION lock_wait_timeout = ?', [before]).catch(() => {});
    await conn.query("DO RELEASE_LOCK(fn_lock_name('partitions'))").catch(() => {});
    if (pooled) (conn as PoolConnection).release();
  }
}

/**
 * Makes every local day of `reportTz` overlapping [fromTs, toTs) a partition of its own in
 * both tables. Returns the partitions created. Throws when a split could not run (the
 * loads are right either way; callers log it and go on).
 */
export async function ensureDayPartitions(db: Pool | Connection, reportTz: string, fromTs: number, toTs: number, signal?: AbortSignal): Promise<number> {
  const wanted = dayBounds(reportTz, fromTs, toTs);
  // Mostly the days are there already (every start-up's migrate asks): one look, without
  // the lock and its session settings, says so. Otherwise the lock is taken and the
  // partitions read again under it, as another process may have split some meanwhile.
  if (cutsFor(await partitionsOfAll(db), wanted).length === 0) return 0;
  return withDdlSession(db, async (conn) => {
    const unwatch = killOnAbort(db, conn, signal);
    try {
      return await split(conn);
    } finally {
      unwatch();
    }
  });

  async function split(conn: Connection | PoolConnection): Promise<number> {
    let created = 0;
    for (const { table, p, cuts, taken } of cutsFor(await partitionsOfAll(conn), wanted)) {
      const pieces: string[] = [];
      let name = p.name;
      for (const b of cuts) {
        pieces.push(`PARTITION ${mysql.escapeId(name)} VALUES LESS THAN (${b})`);
        name = partitionName(b, reportTz, taken);
        taken.add(name);
      }
      pieces.push(`PARTITION ${mysql.escapeId(name)} VALUES LESS THAN (${p.hi === null ? 'MAXVALUE' : p.hi})`);
      signal?.throwIfAborted();
      await conn.query(`ALTER TABLE ${table} REORGANIZE PARTITION ${mysql.escapeId(p.name)} INTO (${pieces.join(', ')})`);
      created += cuts.length;
    }
    return created;
  }
}

/**
 * Kills the statement `conn` runs when `signal` aborts, so a stopping collector need not
 * wait for a split of many days: the DDL is atomic, so a killed one leaves the partitions
 * as they were. (The server notices a kill between its steps: while it creates thousands of
 * partitions at once it may go on for minutes.) Returns the unwatch.
 */
function killOnAbort(db: Pool | Connection, conn: Connection | PoolConnection, signal: AbortSignal | undefined): () => void {
  if (signal === undefined || !('getConnection' in db)) return () => {};
  let timer: NodeJS.Timeout | undefined;
  // (again until the split returns: an abort just before a statement was sent kills nothing)
  const kill = () => {
    (db as Pool).query('KILL QUERY ?', [conn.threadId]).catch(() => {});
    timer = setTimeout(kill, 250);
  };
  if (signal.aborted) kill();
  else signal.addEventListener('abort', kill, { once: true });
  return () => {
    signal.removeEventListener('abort', kill);
    clearTimeout(timer);
  };
}

/**
 * Partitions both tables anew by the local days of `reportTz` from the day holding fromTs
 * to the end of the day holding toTs - 1 (p_old below, the last day open-ended), in one
 * statement a table. For a new zone (migrate --rebuild-tz): splitting each of the old
 * zone's days at the new midnight would be a statement, and a rebuild of the table, per
 * day. Returns the partitions made.
 */
export async function rezoneDayPartitions(db: Pool | Connection, reportTz: string, fromTs: number, toTs: number): Promise<number> {
  const bounds = dayBounds(reportTz, fromTs, toTs);
  const taken = new Set<string>(['p_old']);
  const pieces = [`PARTITION p_old VALUES LESS THAN (${bounds[0]})`];
  bounds.forEach((b, i) => {
    const name = partitionName(b, reportTz, taken);
    taken.add(name);
    pieces.push(`PARTITION ${mysql.escapeId(name)} VALUES LESS THAN (${i + 1 < bounds.length ? bounds[i + 1] : 'MAXVALUE'})`);
  });
  return withDdlSession(db, async (conn) => {
    for (const { table, column } of PARTITIONED) {
      await conn.query(`ALTER TABLE ${table} PARTITION BY RANGE (${column}) (${pieces.join(', ')})`);
    }
    return bounds.length * PARTITIONED.length;
  });
}

/** The partitions of `table` that lie wholly before `cut`, in order. */
export async function partitionsBefore(db: Pool | Connection, table: PartitionedTable, cut: number): Promise<Partition[]> {
  return (await partitionsOf(db, table)).filter((p) => p.hi !== null && p.hi <= cut);
}

/** Drops these partitions of `table` (their rows go with them). */
export async function dropPartitions(db: Pool | Connection, table: PartitionedTable, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await withDdlSession(db, (conn) => conn.query(`ALTER TABLE ${table} DROP PARTITION ${names.map((n) => mysql.escapeId(n)).join(', ')}`));
}
