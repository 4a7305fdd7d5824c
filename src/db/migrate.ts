// `npm run migrate`: versioned migrations through postgrator, then the re-runnable
// views and routines (Flyway's "repeatable" idea; those whose file is gone are dropped),
// then the REPORT_TZ calendar.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import type Postgrator from 'postgrator';
import type { Connection } from 'mysql2/promise';
import { connect, ensureDatabase } from './pool.ts';
import { runRerunnable } from './rerunnable.ts';
import { databaseName } from '../config.ts';
import { ensureCalendar, fillCalendar, fillMissingSlots, localMidnight } from './calendar.ts';
import { builtZone, ZoneMismatchError, zoneMismatchMessage } from './zone.ts';
import { lockName } from './lock-name.ts';
import { one, select, type Db } from './query.ts';
import { readSetting, writeSetting } from './settings.ts';
import { readCut } from './raw-cut.ts';
import { ZONE_TABLES } from './zone-tables.ts';
import { DAYS_AHEAD, ensureDayPartitions, rezoneDayPartitions } from './partitions.ts';

/** Unknown database (connecting to one that does not exist yet). */
const ER_BAD_DB_ERROR = 1049;

const DB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'db');

/**
 * The calendar migrate makes sure of: from two years before this year to two after (hours
 * and their slots). Loads outside it extend it (calendar.ts ensureCalendar); it only grows.
 */
function defaultCalendar(now = new Date()): { from: string; to: string } {
  const year = now.getUTCFullYear();
  return { from: `${year - 2}-01-01`, to: `${year + 3}-01-01` };
}

export interface MigrateOptions {
  databaseUrl: string;
  reportTz: string;
  /** Accept a REPORT_TZ different from the one the database was built for: rebuild. */
  rebuildTz?: boolean;
  /** Local dates [from, to) of the calendar; tests use a narrower one to start faster. */
  calendar?: { from: string; to: string };
  log?: (line: string) => void;
}

export interface MigrateResult {
  createdDatabase: boolean;
  migrations: string[];
  routines: string[];
  /** Views and routines dropped because their file was deleted or renamed. */
  dropped: string[];
  calendarHours: number;
  rebuiltTz: boolean;
}

type Kind = 'view' | 'procedure' | 'function';

interface Routine {
  name: string;
  kind: Kind;
  sql: string;
  md5: string;
}

/** A folder's file names; none when it is missing. */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// The files every start-up hashes (about a hundred small ones) are read synchronously:
// one await per file, each a trip through libuv's thread pool, made the check tens of ms
// longer on a busy machine, and nothing else has to run meanwhile.

/** db/procedures (functions and procedures) first, then db/views: views may call functions. */
export async function readRoutines(): Promise<Routine[]> {
  const out: Routine[] = [];
  for (const folder of ['procedures', 'views']) {
    const dir = join(DB_DIR, folder);
    const files = filesIn(dir).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      const sql = readFileSync(join(dir, file), 'utf8');
      const name = basename(file, '.sql');
      const kind: Kind = folder === 'views' ? 'view' : name.startsWith('fn_') ? 'function' : 'procedure';
      out.push({ name, kind, sql, md5: createHash('md5').update(sql).digest('hex') });
    }
  }
  return out;
}

/** The views and routines the database has, as `kind name` (one look at information_schema, not one per object). */
async function existingObjects(conn: Connection, db: string): Promise<Set<string>> {
  const rows = await select<{ k: string }>(
    conn,
    `SELECT CONCAT('view ', table_name) AS k FROM information_schema.views WHERE table_schema = ?
     UNION ALL SELECT CONCAT(LOWER(routine_type), ' ', routine_name) FROM information_schema.routines WHERE routine_schema = ?`,
    [db, db],
  );
  return new Set(rows.map((r) => r.k));
}

const objectKey = (r: Pick<Routine, 'name' | 'kind'>) => `${r.kind} ${r.name}`;

/** A row of repeatable_scripts: what migrate applied, from which file's bytes. */
interface Recorded {
  name: string;
  kind: Kind;
  md5: string;
}

/**
 * repeatable_scripts, read once for both applyRoutines and dropRemovedRoutines: the first
 * writes only rows of files that exist, which the second passes over, so reading again
 * in between would find the same rows to drop.
 */
async function recordedRoutines(conn: Connection): Promise<Recorded[]> {
  return select<Recorded>(conn, 'SELECT name, kind, md5 FROM repeatable_scripts ORDER BY name');
}

/**
 * Applies changed or missing routines. A view may read another view, so views that fail
 * are retried after the others until a pass makes no progress (then the error is real).
 */
async function applyRoutines(conn: Connection, existing: Set<string>, files: Routine[], rows: Recorded[], log: (l: string) => void): Promise<string[]> {
  const known = new Map(rows.map((r) => [r.name, r.md5]));
  let pending = files.filter((r) => known.get(r.name) !== r.md5 || !existing.has(objectKey(r)));
  const applied: string[] = [];
  while (pending.length > 0) {
    const failed: { r: Routine; err: unknown }[] = [];
    for (const r of pending) {
      try {
        await conn.query(r.sql);
        await conn.query(
          'INSERT INTO repeatable_scripts (name, kind, md5) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE kind = VALUES(kind), md5 = VALUES(md5)',
          [r.name, r.kind, r.md5],
        );
        applied.push(r.name);
        existing.add(objectKey(r));
        log(`  applied ${r.kind} ${r.name}`);
      } catch (err) {
        failed.push({ r, err });
      }
    }
    if (failed.length === pending.length) {
      const first = failed[0]!;
      throw new Error(`cannot apply ${first.r.kind} ${first.r.name}: ${(first.err as Error).message}`, { cause: first.err });
    }
    pending = failed.map((f) => f.r);
  }
  return applied;
}

/**
 * Drops the views and routines an earlier run created from a file that is now gone
 * (deleted, or renamed: the new name was just created), so none stays behind unseen.
 * Only what repeatable_scripts lists, i.e. what migrate itself created: an object made by
 * hand is left alone. Runs after applyRoutines, so a view that read a dropped one has
 * already been re-created from its changed file.
 */
async function dropRemovedRoutines(conn: Connection, existing: Set<string>, files: Routine[], rows: Recorded[], log: (l: string) => void): Promise<string[]> {
  const present = new Set(files.map((f) => f.name));
  const dropped: string[] = [];
  for (const r of rows) {
    if (present.has(r.name)) continue;
    if (!['view', 'procedure', 'function'].includes(r.kind)) throw new Error(`repeatable_scripts lists ${r.name} as a ${r.kind}: expected view, procedure or function`);
    if (existing.has(objectKey(r))) await conn.query(`DROP ${r.kind.toUpperCase()} IF EXISTS ${mysql.escapeId(r.name)}`);
    await conn.query('DELETE FROM repeatable_scripts WHERE name = ?', [r.name]);
    dropped.push(r.name);
    log(`  dropped ${r.kind} ${r.name} (its file is gone)`);
  }
  return dropped;
}

/**
 * postgrator silently skips a file numbered below the database's current version (one
 * added later with a lower number). Applying it out of order could be wrong too, so stop.
 */
async function refuseSkippedMigrations(conn: Connection, postgrator: Postgrator): Promise<void> {
  const rows = await select<{ version: number | string }>(conn, 'SELECT version FROM schemaversion');
  const applied = new Set(rows.map((r) => Number(r.version)));
  const skipped = (await postgrator.getMigrations()).filter((m) => m.action === 'do' && !applied.has(Number(m.version)));
  if (skipped.length > 0) {
    throw new Error(
      `migration ${basename(skipped[0]!.filename)} was never applied: its number is below the database's current version, ` +
        'so postgrator skips it. Renumber it above the highest applied migration (files that shipped are never edited).',
    );
  }
}

/**
 * Makes sure the calendar of REPORT_TZ covers the calendar range; refuses a different zone
 * unless asked to rebuild (which empties what belongs to the old zone's hours), and always
 * once raw data was pruned (those hours could not be computed again).
 */
async function prepareZone(conn: Connection, opts: MigrateOptions, log: (l: string) => void): Promise<{ hours: number; rebuilt: boolean }> {
  const built = await builtZone(conn);
  const { from, to } = opts.calendar ?? defaultCalendar();
  const rebuilt = built !== undefined && built !== opts.reportTz;
  if (rebuilt) {
    const cut = await readCut(conn);
    if (!opts.rebuildTz || cut > 0) throw new ZoneMismatchError(zoneMismatchMessage(built, opts.reportTz, cut));
    log(`rebuilding for REPORT_TZ=${opts.reportTz} (was ${built}): emptying ${ZONE_TABLES.join(', ')}`);
    for (const table of ZONE_TABLES) await conn.query(`DELETE FROM ${table}`);
  }
  if (rebuilt || built === undefined) {
    await fillCalendar(conn, opts.reportTz, from, to);
  }
  const slotsComplete = (await readSetting(conn, 'calendar_slots')) === 'complete';
  if (!rebuilt && built !== undefined && !slotsComplete) {
    // calendars made before slots existed get their slots first (once: every calendar
    // written since has them, and the search reads the whole calendar)
    await fillMissingSlots(conn, opts.reportTz);
  }
  const hours = await ensureCalendar(conn, opts.reportTz, localMidnight(from, opts.reportTz), localMidnight(to, opts.reportTz));
  if (built !== opts.reportTz) await writeSetting(conn, 'report_tz', opts.reportTz);
  if (!slotsComplete) await writeSetting(conn, 'calendar_slots', 'complete');
  // (counted only when it changed: a migrate with nothing to do stays short)
  if (!rebuilt && built !== undefined && hours === 0) return { hours, rebuilt };
  const counts = (await one<{ n: number; lo: string; hi: string }>(conn, 'SELECT COUNT(*) AS n, MIN(local_start) AS lo, MAX(local_end) AS hi FROM report_hours'))!;
  log(`calendar: ${counts.n} report hours of ${opts.reportTz} from ${counts.lo} to ${counts.hi}`);
  return { hours: rebuilt || built === undefined ? Number(counts.n) : hours, rebuilt };
}

/** The text of every migration file, as postgrator hands it to execQuery. */
async function migrationBodies(): Promise<Set<string>> {
  const dir = join(DB_DIR, 'migrations');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  return new Set(await Promise.all(names.map((f) => readFile(join(dir, f), 'utf8'))));
}

/**
 * The raw tables' daily partitions (partitions.ts) from the first day loaded, or today, to
 * DAYS_AHEAD days ahead. Where a split cannot run now, the next collector run or backfill
 * does it; the loads are right either way.
 */
async function splitDays(conn: Connection, reportTz: string, rezone: boolean, log: (l: string) => void): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const first = await one<{ e: number | null; s: number | null }>(
    conn,
    'SELECT (SELECT MIN(ts) FROM agent_events) AS e, (SELECT MIN(slot_start) FROM users_calls) AS s',
  );
  const from = Math.min(now, ...[first?.e, first?.s].filter((x): x is number => x !== null && x !== undefined).map(Number));
  try {
    if (rezone) {
      const made = await rezoneDayPartitions(conn, reportTz, from, now + DAYS_AHEAD * 86400);
      log(`partitions: agent_events and users_calls partitioned anew by the local days of ${reportTz} (${made} partitions)`);
      return;
    }
    const created = await ensureDayPartitions(conn, reportTz, from, now + DAYS_AHEAD * 86400);
    if (created > 0) log(`partitions: ${created} split off (agent_events, users_calls), a local day each`);
  } catch (err) {
    log(`partitions: not split now (${(err as Error).message}); the next collector run or backfill tries again`);
  }
}

export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const db = databaseName(opts.databaseUrl);
  // (the database is created only when connecting to it says it is missing: one
  // connection, not two, on every start)
  let createdDatabase = false;
  const conn = await connect(opts.databaseUrl, { multipleStatements: true }).catch(async (err: unknown) => {
    if ((err as { errno?: number }).errno !== ER_BAD_DB_ERROR) throw err;
    createdDatabase = await ensureDatabase(opts.databaseUrl);
    return connect(opts.databaseUrl, { multipleStatements: true });
  });
  if (createdDatabase) log(`created database ${db}`);
  try {
    // Two processes migrating at once (npm start beside npm run migrate) take turns.
    // (fn_lock_name may not exist yet: the name is derived here)
    const migrateLock = lockName(db, 'migrate');
    const lock = await one<{ ok: number | null }>(conn, 'SELECT GET_LOCK(?, 60) AS ok', [migrateLock]);
    if (lock?.ok !== 1) throw new Error('another migrate is still running after 60 s; try again when it ends');
    // Nothing new since the last migrate (the same files, byte for byte, each applied):
    // postgrator, which reads and checks every applied migration, has nothing to do.
    const { fingerprint, versions } = await migrationFiles();
    const current =
      !createdDatabase &&
      (await readSetting(conn, 'migrations_md5').catch(() => undefined)) === fingerprint &&
      (await select<{ v: string | null }>(conn, 'SELECT GROUP_CONCAT(version ORDER BY version) AS v FROM schemaversion WHERE version > 0').catch(() => []))[0]?.v === versions;
    const migrations = current ? [] : await runPostgrator(conn, db, log);
    const files = await readRoutines();
    // (one look at what exists, kept up to date by applyRoutines: information_schema is slow on some servers)
    const existing = await existingObjects(conn, db);
    const recorded = await recordedRoutines(conn);
    const routines = await applyRoutines(conn, existing, files, recorded, log);
    const dropped = await dropRemovedRoutines(conn, existing, files, recorded, log);
    const zone = await prepareZone(conn, opts, log);
    await splitDays(conn, opts.reportTz, zone.rebuilt, log);
    if (!current) await writeSetting(conn, 'migrations_md5', fingerprint);
    await conn.query('SELECT RELEASE_LOCK(?)', [migrateLock]);
    return { createdDatabase, migrations, routines, dropped, calendarHours: zone.hours, rebuiltTz: zone.rebuilt };
  } finally {
    await conn.end();
  }
}

/** One hash of every migration file's name and bytes, and their numbers as schemaversion lists them. */
async function migrationFiles(): Promise<{ fingerprint: string; versions: string }> {
  const dir = join(DB_DIR, 'migrations');
  const hash = createHash('md5');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const applied = files.filter((f) => f.includes('.do.'));
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  const versions = applied.map((f) => Number(f.split('.')[0])).sort((a, b) => a - b).join(',');
  return { fingerprint: hash.digest('hex'), versions };
}

/** Applies the pending migrations (postgrator); returns their file names. */
async function runPostgrator(conn: Connection, db: string, log: (l: string) => void): Promise<string[]> {
  // (loaded only when there is something to migrate: every command's start-up checks, and
  // postgrator with its file-matching dependencies is a good part of that start-up)
  const { default: PostgratorClass } = await import('postgrator');
  const bodies = await migrationBodies();
  const postgrator = new PostgratorClass({
    migrationPattern: join(DB_DIR, 'migrations', '*.sql'),
    driver: 'mysql',
    database: db,
    schemaTable: 'schemaversion',
    execQuery: async (query: string) => {
      // a migration file (not postgrator's own bookkeeping): re-runnable after a crash
      if (bodies.has(query)) {
        await runRerunnable(query, (st) => conn.query(st), (st, why) => log(`  skipped (${why}, from an interrupted run): ${st.split('\n').find((l) => !l.startsWith('--'))?.slice(0, 80)}`));
        return { rows: [] };
      }
      const [rows] = await conn.query(query);
      return { rows: Array.isArray(rows) ? (rows as unknown[]) : [] };
    },
  });
  const done = await postgrator.migrate();
  const migrations = done.map((m) => basename(m.filename));
  for (const m of migrations) log(`  migrated ${m}`);
  await refuseSkippedMigrations(conn, postgrator);
  return migrations;
}

/**
 * The migration files not applied to this database (their file names), for a process that
 * reads only and so must not migrate (npm start with COLLECT_CRON=off). A database never
 * migrated has no schemaversion table: every file is missing.
 */
export async function unappliedMigrations(db: Db): Promise<string[]> {
  const files = (await readdir(join(DB_DIR, 'migrations'))).filter((f) => /^\d+\.do\..*\.sql$/.test(f)).sort();
  let applied: Set<number>;
  try {
    applied = new Set((await select<{ version: number | string }>(db, 'SELECT version FROM schemaversion')).map((r) => Number(r.version)));
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_NO_SUCH_TABLE') return files;
    throw err;
  }
  return files.filter((f) => !applied.has(Number(f.split('.')[0])));
}
