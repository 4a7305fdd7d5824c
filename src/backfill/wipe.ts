// backfill --wipe: empties staging (events, stats, agents), what is derived from it
// (activity, checkpoints, pending aggregation), the loaded windows, the horizon and the
// retention cut (nothing is left before it), so the
// backfill that follows rebuilds them from the upstream. Logs (collector_runs, fetch_log)
// and rejected records stay. Only under the load lock, only after the operator said YES.
// The help, the prompt and the log name the tables from this one list.
import type { Pool } from 'mysql2/promise';
import { select } from '../db/query.ts';

export const WIPED_TABLES = [
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
] as const;

/** What --wipe empties, in words: every table, then the horizon and the cut. */
export const WIPED = `${WIPED_TABLES.join(', ')}, the data horizon and the retention cut`;

/** WIPED in lines of at most `width` characters, for the help. */
export function wipedLines(width: number): string[] {
  const lines: string[] = [];
  for (const word of WIPED.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

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
  await pool.query("DELETE FROM apr_settings WHERE name IN ('raw_cut', 'raw_pruned_on')");
  return wiped;
}
