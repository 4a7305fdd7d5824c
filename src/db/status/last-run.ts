// /api/status: the latest collector or backfill run (collector_runs).
import { one, type Db } from '../query.ts';

export interface RunRow {
  kind: string;
  /** TIMESTAMP(3) as 'YYYY-MM-DD HH:MM:SS[.mmm]' in the session's UTC. */
  started_at: string;
  ended_at: string | null;
  outcome: string;
  from_ts: number | null;
  to_ts: number | null;
  events: number;
  rejected: number;
  message: string | null;
}

const COLUMNS = 'kind, started_at, ended_at, outcome, from_ts, to_ts, events, rejected, message';

/**
 * The latest run of any kind; of `kind` only, a skipped one left out (a backfill must not
 * hide that the collector stopped, or never ran).
 */
export function readLastRun(db: Db, kind?: 'collector' | 'backfill'): Promise<RunRow | undefined> {
  if (kind === undefined) return one<RunRow>(db, `SELECT ${COLUMNS} FROM collector_runs ORDER BY started_at DESC, id DESC LIMIT 1`);
  return one<RunRow>(db, `SELECT ${COLUMNS} FROM collector_runs WHERE kind = ? AND outcome <> 'skipped' ORDER BY started_at DESC, id DESC LIMIT 1`, [kind]);
}

/** When the latest successful run ended ('YYYY-MM-DD HH:MM:SS[.mmm]', UTC), or null. */
export async function readLastSuccess(db: Db): Promise<string | null> {
  const row = await one<{ ended_at: string | null }>(db, "SELECT ended_at FROM collector_runs WHERE outcome = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1");
  return row?.ended_at ?? null;
}
