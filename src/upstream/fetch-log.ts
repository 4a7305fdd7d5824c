// One fetch_log row per upstream call attempt: endpoint, window, status, attempt, rows,
// duration, error. Rows are written in small batches, outside the window's transaction,
// so a failed window still leaves its calls on record. Never a secret: callers scrub.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import { lit } from '../db/query.ts';

export interface FetchLogEntry {
  endpoint: 'login' | 'events' | 'stats';
  fromTs: number | null;
  toTs: number | null;
  status: number | null;
  attempt: number;
  rows: number | null;
  durationMs: number;
  error: string | null;
}

export interface FetchLog {
  add(entry: FetchLogEntry): void;
  /** Waits until every row added so far is written. */
  flush(): Promise<void>;
}

export const noFetchLog: FetchLog = { add() {}, flush: async () => {} };

const BATCH = 100;

export function dbFetchLog(pool: Pool, runId: number | null, log?: Logger): FetchLog {
  let queue: FetchLogEntry[] = [];
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    if (queue.length === 0) return writing;
    const rows = queue;
    queue = [];
    const values = rows
      .map((e) => `(${lit(runId)},${lit(e.endpoint)},${lit(e.fromTs)},${lit(e.toTs)},${lit(e.status)},${e.attempt},${lit(e.rows)},${Math.round(e.durationMs)},${lit(e.error === null ? null : e.error.slice(0, 1000))})`)
      .join(',');
    writing = writing
      .then(() => pool.query(`INSERT INTO fetch_log (run_id, endpoint, from_ts, to_ts, status, attempt, row_count, duration_ms, error) VALUES ${values}`))
      .then(
        () => {},
        (err: unknown) => log?.warn('could not write fetch_log rows', { rows: rows.length, error: (err as Error).message }),
      );
    return writing;
  };
  return {
    add(entry) {
      queue.push(entry);
      if (queue.length >= BATCH) void write();
    },
    flush: () => write(),
  };
}
