// Writes a report (rules §5) for the API and the CLI alike: one streamed SELECT, encoded
// as CSV or JSON, into any Writable, with backpressure all the way, so a 93-day report
// never sits in memory. The horizon, the zone check and the rows are read in one snapshot.
import { Transform } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { streamQuery } from '../db/query-stream.ts';
import { beginSnapshot } from '../db/readers.ts';
import { sever, watchDatabase } from '../db/liveness.ts';
import { assertZone } from '../db/zone.ts';
import { readHorizon } from '../db/horizon.ts';
import { reportQuery } from './query.ts';
import { FULL_SCOPE, resolveAgents, type Scope } from '../access/scope.ts';
import type { ReportRow } from './query.ts';
import type { ReportParams } from './params.ts';
import { CSV_CONTENT_TYPE, csvEncoder, recordMaker } from './csv.ts';
import { JSON_CONTENT_TYPE, jsonEncoder } from './json.ts';
import { batchBytes } from './batches.ts';

/**
 * Leads the report query's text, so an operator (and a test) finds a running report in
 * the server's process list: `SELECT ... FROM information_schema.processlist WHERE info LIKE '%apr:report%'`.
 */
export const REPORT_SQL_TAG = '/* apr:report */';

export interface ReportMeta {
  /** collector_state.horizon when the report was read (epoch seconds), null when nothing is loaded. */
  horizon: number | null;
  contentType: string;
}

export interface ReportHooks {
  /** Runs once the data horizon is known, before the first byte (the API sets its headers here). */
  onStart?: (meta: ReportMeta) => void;
  /** Counts rows as they go, so a report cut short still says how far it got. */
  progress?: { rows: number };
  /** Stops the report (the stream destroyed, the connection closed) when aborted. */
  signal?: AbortSignal;
  /**
   * Rejects when the database does not answer (on a connection of its own). Checked every
   * second while rows stream: a row stream paused for a slow client does not read its
   * socket, so it would never see the database die, and the response would stay open.
   */
  databaseAlive?: () => Promise<void>;
  /** Runs first when the rows fail mid-way, before the output is destroyed (the API resets the connection). */
  onRowsFailed?: (err: Error) => void;
  /** Whose agents the caller may see (default: every agent). */
  scope?: Scope;
}


/**
 * The stages for the format, rows in, bytes out; the first counts the rows. (For CSV one
 * stage both counts and turns a row into its fields: each object-mode stage costs about a
 * microsecond a row, a second over a month of a large centre.)
 */
function encoders(params: ReportParams, progress: { rows: number }): Transform[] {
  if (params.format === 'json') return [countingStage(progress, (row: ReportRow) => row), jsonEncoder(params.by), batchBytes()];
  // (the CSV encoder gathers its own ~64 KB pieces)
  return [countingStage(progress, recordMaker(params.durations, params.by)), csvEncoder(params)];
}

/** The first stage of a stream of rows: counts each row into `progress` and turns it into what the encoder takes. */
export function countingStage<R>(progress: { rows: number }, toOut: (row: R) => unknown): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: 64,
    transform(row: R, _enc, done) {
      progress.rows++;
      done(null, toOut(row));
    },
  });
}

/** What one streamed request reads and how it encodes it (the report, the breaks). */
export interface RowSource {
  /** Runs in the snapshot before the rows (the zone is checked by then); gives the SELECT. */
  prepare(conn: PoolConnection): Promise<{ sql: string; values: unknown[] }>;
  /** The stages, rows in, bytes out; the first counts the rows in `progress`. */
  encoders(progress: { rows: number }): Transform[];
  contentType: string;
  /** prepare() fills temporary tables, which a READ ONLY transaction refuses (it stays a consistent snapshot). */
  usesTemporaryTables?: boolean;
}

/**
 * `done`, or its signal's reason once aborted. A pipeline waits for every stream to close,
 * and a response that never had a socket (queued behind another on a pipelined
 * connection) never closes, so an aborted pipeline alone would hold the connection forever.
 */
function orAborted<T>(done: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return done;
  done.catch(() => {}); // settles after the abort, or never: nobody waits for it then
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    done.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Writes the report for `params` to `out` and ends it. Refuses (ZoneMismatchError) when
 * the database was built for another REPORT_TZ than `reportTz`, and (ScopeError) a team
 * or extension unknown or outside `hooks.scope`, before any byte.
 */
export function writeReport(
  pool: Pool,
  params: ReportParams,
  reportTz: string,
  out: Writable,
  hooks: ReportHooks = {},
): Promise<{ rows: number; horizon: number | null }> {
  return writeRows(pool, reportTz, out, hooks, {
    async prepare(conn) {
      // the agents and teams are read in the same snapshot as the rows (rules §9)
      const sel = await resolveAgents(conn, { ext: params.exts, team: params.teams }, hooks.scope ?? FULL_SCOPE);
      const query = reportQuery(params.interval, params.from, params.to, sel.exts, params.by === 'team' ? { teams: sel.teams } : undefined);
      return { sql: `${REPORT_SQL_TAG}${query.sql}`, values: query.values };
    },
    encoders: (progress) => encoders(params, progress),
    contentType: params.format === 'json' ? JSON_CONTENT_TYPE : CSV_CONTENT_TYPE,
  });
}

/**
 * Streams the rows of `source` to `out` and ends it: the horizon, the zone check and the
 * rows read in one snapshot. Refuses (ZoneMismatchError) before any byte when the
 * database was built for another REPORT_TZ than `reportTz`, and with whatever
 * `source.prepare` throws (ScopeError) before any byte.
 */
export async function writeRows(
  pool: Pool,
  reportTz: string,
  out: Writable,
  hooks: ReportHooks,
  source: RowSource,
): Promise<{ rows: number; horizon: number | null }> {
  const conn = await pool.getConnection();
  const progress = hooks.progress ?? { rows: 0 };
  let clean = false;
  // A server that stops answering (hung, or its network silent) would leave any query
  // below waiting forever: its socket is ended with an error instead, before or while rows
  // stream.
  const stopWatching = hooks.databaseAlive ? watchDatabase(hooks.databaseAlive, (err) => sever(conn, err)) : () => {};
  try {
    // The server gives up a connection it cannot write to for net_write_timeout (60 s by
    // default): a busy reader then lost its report as "connection lost". How long a client
    // may stall is REPORT_IDLE_TIMEOUT_S's to decide, and its cut closes the connection.
    await conn.query('SET SESSION net_write_timeout = 3600');
    // the zone, the horizon and the rows from one moment of the server that answers
    await beginSnapshot(conn, source.usesTemporaryTables === true);
    await assertZone(conn, reportTz);
    const horizon = await readHorizon(conn);
    const { sql, values } = await source.prepare(conn).catch(async (err: unknown) => {
      // refused before any row was asked for (a team outside the scope): the connection
      // is clean and goes back
      await conn.query('ROLLBACK');
      clean = true;
      throw err;
    });
    // Ends with an error, never hangs, when the database dies mid-way.
    const rows = streamQuery(conn, sql, values);
    // Nothing is written until the query has produced its columns: a failing query (a
    // missing view, a dead connection) still gets a clean error response, not a cut body.
    // The listener stays until the pipeline owns the stream, so an error in between is
    // never unhandled (the pipeline still sees it: the stream is then destroyed).
    let failed: (err: Error) => void = () => {};
    const guard = (err: Error) => failed(err);
    rows.on('error', guard);
    // (a client gone meanwhile stops the wait: the query may sort for seconds first)
    await orAborted(
      new Promise<void>((resolve, reject) => {
        failed = reject;
        rows.once('fields', () => resolve());
      }),
      hooks.signal,
    );
    hooks.onStart?.({ horizon, contentType: source.contentType });
    if (hooks.onRowsFailed) rows.once('error', hooks.onRowsFailed);
    const done = pipeline([rows, ...source.encoders(progress), out], hooks.signal ? { signal: hooks.signal } : {});
    rows.off('error', guard);
    await orAborted(done, hooks.signal);
    await conn.query('COMMIT');
    clean = true;
    return { rows: progress.rows, horizon };
  } finally {
    stopWatching();
    // A stream cut short (client gone, disk full) may leave rows in flight on the
    // connection: such a connection is closed rather than handed back to the pool.
    if (clean) conn.release();
    else conn.destroy();
  }
}
