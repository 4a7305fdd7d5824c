// The tables whose rows belong to the report zone's hours and slots (REPORT_TZ): the stats
// per 15-minute slot, the report's rows, the state checkpoints at hour starts and the
// stored live state (its "today" is the zone's local day). Both
// `migrate --rebuild-tz` (a new zone) and `backfill --wipe` (everything) empty them, from
// this one list. No imports: the backfill's --help names them without loading a driver.
export const ZONE_TABLES = [
  'users_calls',
  'agent_activity',
  'agent_slot_activity',
  'agent_reason_activity',
  'agent_state_checkpoints',
  'agent_state_marks',
  'live_state',
  'live_state_at',
] as const;
