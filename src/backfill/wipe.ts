// backfill --wipe: empties staging (events, stats), activity and the horizon, so the
// backfill that follows rebuilds them from the upstream. Logs (collector_runs, fetch_log)
// and rejected records stay. Only under the load lock, only after the operator said YES.
import type { Pool } from 'mysql2/promise';
import { select } from '../load/db.ts';

const TABLES = [
  'agent_events',
  'users_calls',
  'agent_activity',
  'agent_slot_activity',
  'agent_reason_activity',
  'agent_state_checkpoints',
  'agent_state_marks',
  'agents',
  'loaded_windows',
  'pending_aggregation',
];

export async function wipeStaging(pool: Pool): Promise<string[]> {
  const present = new Set(
    (await select<{ name: string }>(pool, 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')).map((r) => r.name),
  );
  const wiped: string[] = [];
  for (const t of TABLES) {
    if (!present.has(t)) continue;
    await pool.query(`TRUNCATE TABLE ${t}`);
    wiped.push(t);
  }
  await pool.query('UPDATE collector_state SET horizon = NULL WHERE id = 1');
  return wiped;
}
