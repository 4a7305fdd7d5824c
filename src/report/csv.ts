// The report as CSV bytes (SPEC §5), for the API and the CLI alike: one streamed SELECT
// of vw_report, through csv-stringify, into any Writable, with backpressure all the way,
// so a 93-day report never sits in memory.
import { Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { Connection as CoreConnection } from 'mysql2';
import { COLUMNS, reportQuery } from './query.ts';
import type { ReportRow } from './query.ts';
import type { Durations, ReportParams } from './params.ts';
import { dateTime, hms, hundredths, interval, safeName, shortDate } from './format.ts';

export interface ReportMeta {
  /** collector_state.horizon when the report was read (epoch seconds), null when nothing is loaded. */
  horizon: number | null;
}

/** One vw_report row as the CSV's fields. */
export function toRecord(r: ReportRow, durations: Durations): string[] {
  return COLUMNS.map((c) => {
    switch (c.key) {
      case 'interval':
        return interval(r.local_start, r.local_end);
      case 'date':
        return shortDate(r.local_start);
      case 'start':
        return dateTime(r.local_start);
      case 'end':
        return dateTime(r.local_end);
      case 'name':
        return safeName(r.name);
    }
    const v = r[c.key];
    switch (c.kind) {
      case 'duration':
        return durations === 'seconds' ? String(v) : hms(Number(v));
      case 'percent':
        return hundredths(v === null ? null : Number(v));
      default:
        return String(v);
    }
  });
}

async function readHorizon(conn: PoolConnection): Promise<number | null> {
  const [rows] = await conn.query('SELECT horizon FROM collector_state WHERE id = 1');
  const h = (rows as { horizon: number | string | null }[])[0]?.horizon;
  return h === null || h === undefined ? null : Number(h);
}

export interface ReportHooks {
  /** Runs once the data horizon is known, before the first byte (the API sets its headers here). */
  onStart?: (meta: ReportMeta) => void;
  /** Counts rows as they go, so a report cut short still says how far it got. */
  progress?: { rows: number };
}

/**
 * Writes the report for `params` to `out` and ends it. The horizon and the rows are read
 * in one snapshot, so X-Data-Horizon describes exactly the rows sent.
 */
export async function writeReport(
  pool: Pool,
  params: ReportParams,
  out: Writable,
  hooks: ReportHooks = {},
): Promise<{ rows: number; horizon: number | null }> {
  const conn = await pool.getConnection();
  const progress = hooks.progress ?? { rows: 0 };
  let clean = false;
  try {
    await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const horizon = await readHorizon(conn);
    const { sql, values } = reportQuery(params.from, params.to, params.exts);
    // The promise wrapper has no streaming query; its underlying connection has.
    const core = conn.connection as unknown as CoreConnection;
    const source = core.query(sql, values).stream({ highWaterMark: 256 });
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
    hooks.onStart?.({ horizon });
    const toFields = new Transform({
      objectMode: true,
      highWaterMark: 256,
      transform(row: ReportRow, _enc, done) {
        progress.rows++;
        done(null, toRecord(row, params.durations));
      },
    });
    const csv = stringify({
      header: true,
      columns: COLUMNS.map((c) => c.header),
      bom: params.bom,
      delimiter: ',',
      record_delimiter: '\r\n',
      eof: true,
    });
    const done = pipeline(source, toFields, csv, out);
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
