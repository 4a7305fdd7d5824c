// backfill --wipe: empties staging (events, stats, agents), what is derived from it
// (activity, checkpoints, pending aggregation), the loaded windows, the horizon and the
// retention cut (nothing is left before it), so the
// backfill that follows rebuilds them from the upstream. Logs (collector_runs, fetch_log)
// and rejected records stay. Only under the load lock, only after the operator said YES.
// The help, the prompt and the log name the tables from one list (options.ts).
import type { Pool } from 'mysql2/promise';
import { select } from '../db/query.ts';
import { deleteSettings } from '../db/settings.ts';
import { WIPED_TABLES } from './options.ts';

export async function wipeStaging(pool: Pool): Promise<string[]> {
  const present = new Set(
    (await select<{ name: string }>(pool, 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')).map((r) => r.name),
  );
  const wiped: string[] = [];
  for (const t of WIPED_TABLES) {
    if (!present.has(t)) continue;
    await pool.query(`TRUNCATE TABLE ${t}`);
    wiped.push(t);
  }
  await pool.query('UPDATE collector_state SET horizon = NULL WHERE id = 1');
  await deleteSettings(pool, ['raw_cut', 'raw_pruned_on']);
  return wiped;
}
