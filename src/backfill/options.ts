// The backfill's settings a user sees before anything runs: the flags' defaults and what
// --wipe empties (the help, the prompt and the log name the tables from this one list).
// Nothing here touches the database, so --help needs no driver loaded.

/** Windows loaded at once (--concurrency). */
export const DEFAULT_CONCURRENCY = 4;

/** --hours, when no range is given. */
export const DEFAULT_HOURS = 48;

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
