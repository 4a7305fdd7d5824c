// Writes a report (SPEC §5) for the API and the CLI alike: one streamed SELECT, encoded
// as CSV or JSON, into any Writable, with backpressure all the way, so a 93-day report
// never sits in memory. The horizon, the zone check and the rows are read in one snapshot.
import { Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'mysql2/promise';
import { streamQuery } from '../db/query-stream.ts';
import { beginSnapshot } from '../db/readers.ts';
import { assertZone } from '../db/zone.ts';
import { readHorizon } from '../load/horizon.ts';
import { reportQuery } from './query.ts';
import { FULL_SCOPE, resolveAgents, type Scope } from '../access/scope.ts';
import type { ReportRow } from './query.ts';
import type { ReportParams } from './params.ts';
import { CSV_CONTENT_TYPE, csvEncoder, recordMaker } from './csv.ts';
import { JSON_CONTENT_TYPE, jsonEncoder } from './json.ts';

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
  /** Whose agents the caller may see (default: every agent). */
  scope?: Scope;
}

/**
 * The stages for the format, rows in, bytes out; the first counts the rows. (For CSV one
 * stage both counts and turns a row into its fields: each object-mode stage costs about a
 * microsecond a row, a second over a month of a large centre.)
 */
function encoders(params: ReportParams, progress: { rows: number }): Transform[] {
  const counting = (toOut: (row: ReportRow) => unknown) =>
    new Transform({
      objectMode: true,
      highWaterMark: 64,
      transform(row: ReportRow, _enc, done) {
        progress.rows++;
        done(null, toOut(row));
      },
    });
  if (params.format === 'json') return [counting((row) => row), jsonEncoder(params.by)];
  return [counting(recordMaker(params.durations, params.by)), csvEncoder(params)];
}

/**
 * Writes the report for `params` to `out` and ends it. Refuses (ZoneMismatchError) when
 * the database was built for another REPORT_TZ than `reportTz`, and (ScopeError) a team
 * or extension unknown or outside `hooks.scope`, before any byte.
 */
export async function writeReport(
  pool: Pool,
  params: ReportParams,
  reportTz: string,
  out: Writable,
  hooks: ReportHooks = {},
): Promise<{ rows: number; horizon: number | null }> {
  const conn = await pool.getConnection();
  const progress = hooks.progress ?? { rows: 0 };
  let clean = false;
  try {
    // the zone, the horizon and the rows from one moment of the server that answers
    await beginSnapshot(conn);
    await assertZone(conn, reportTz);
    const horizon = await readHorizon(conn);
    // the agents and teams are read in the same snapshot as the rows (SPEC §8)
    const sel = await resolveAgents(conn, { ext: params.exts, team: params.teams }, hooks.scope ?? FULL_SCOPE).catch(async (err: unknown) => {
      // refused before any row was asked for: the connection is clean and goes back
      await conn.query('ROLLBACK');
      clean = true;
      throw err;
    });
    const { sql, values } = reportQuery(params.interval, params.from, params.to, sel.exts, params.by === 'team' ? { teams: sel.teams } : undefined);
    // Ends with an error, never hangs, when the database dies mid-way.
    const source = streamQuery(conn, sql, values);
    // Nothing is written until the query has produced its columns: a failing query (a
    // missing view, a dead connection) still gets a clean error response, not a cut body.
    // The listener stays until the pipeline owns the stream, so an error in between is
    // never unhandled (the pipeline still sees it: the stream is then destroyed).
    let failed: (err: Error) => void = () => {};
    const guard = (err: Error) => failed(err);
    source.on('error', guard);
    await new Promise<void>((resolve, reject) => {
      failed = reject;
      source.once('fields', () => resolve());
    });
    hooks.onStart?.({ horizon, contentType: params.format === 'json' ? JSON_CONTENT_TYPE : CSV_CONTENT_TYPE });
    const done = pipeline([source, ...encoders(params, progress), out]);
    source.off('error', guard);
    await done;
    await conn.query('COMMIT');
    clean = true;
    return { rows: progress.rows, horizon };
  } finally {
    // A stream cut short (client gone, disk full) may leave rows in flight on the
    // connection: such a connection is closed rather than handed back to the pool.
    if (clean) conn.release();
    else conn.destroy();
  }
}
