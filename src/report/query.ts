// The report's one SELECT: rows of vw_report in report order, for a range of report hours.
export interface ReportRow {
  local_start: string;
  local_end: string;
  ext: string;
  name: string;
  available_s: number;
  productive_s: number;
  non_productive_s: number;
  login_s: number;
  logoff_s: number;
  idle_s: number;
  total_calls: number;
  answered_calls: number;
  failed_calls: number;
  aht_s: number;
  answer_rate_h: number | null;
  lunch_s: number;
  tea_s: number;
  bio_s: number;
  short_break_s: number;
  other_npt_s: number;
  meeting_s: number;
  training_s: number;
  chat_s: number;
  tickets_s: number;
  outbound_s: number;
  talk_s: number;
  hold_s: number;
  wrap_s: number;
  dnd_s: number;
  occupancy_h: number | null;
}

type Kind = 'duration' | 'count' | 'percent' | 'text';

/** The CSV's columns in order (SPEC §5): header, vw_report column, how to print it. */
export const COLUMNS: readonly { header: string; key: keyof ReportRow | 'interval' | 'date' | 'start' | 'end'; kind: Kind }[] = [
  { header: 'Interval', key: 'interval', kind: 'text' },
  { header: 'Date', key: 'date', kind: 'text' },
  { header: 'Start Time', key: 'start', kind: 'text' },
  { header: 'End Time', key: 'end', kind: 'text' },
  { header: 'Ext', key: 'ext', kind: 'text' },
  { header: 'Name', key: 'name', kind: 'text' },
  { header: 'Available Time', key: 'available_s', kind: 'duration' },
  { header: 'Productive Break', key: 'productive_s', kind: 'duration' },
  { header: 'Non-Prod. Break', key: 'non_productive_s', kind: 'duration' },
  { header: 'Login Time', key: 'login_s', kind: 'duration' },
  { header: 'Logoff Time', key: 'logoff_s', kind: 'duration' },
  { header: 'Idle Time', key: 'idle_s', kind: 'duration' },
  { header: 'Total Calls', key: 'total_calls', kind: 'count' },
  { header: 'Answered Calls', key: 'answered_calls', kind: 'count' },
  { header: 'Failed Calls', key: 'failed_calls', kind: 'count' },
  { header: 'AHT', key: 'aht_s', kind: 'duration' },
  { header: 'Answer Rate (%)', key: 'answer_rate_h', kind: 'percent' },
  { header: 'Lunch Time', key: 'lunch_s', kind: 'duration' },
  { header: 'Tea/Coffee Break', key: 'tea_s', kind: 'duration' },
  { header: 'Bio Break', key: 'bio_s', kind: 'duration' },
  { header: 'Short Break', key: 'short_break_s', kind: 'duration' },
  { header: 'Other NPT', key: 'other_npt_s', kind: 'duration' },
  { header: 'Meeting Time', key: 'meeting_s', kind: 'duration' },
  { header: 'Training Time', key: 'training_s', kind: 'duration' },
  { header: 'Chat Time', key: 'chat_s', kind: 'duration' },
  { header: 'Tickets Time', key: 'tickets_s', kind: 'duration' },
  { header: 'Outbound Time', key: 'outbound_s', kind: 'duration' },
  { header: 'Talk Time', key: 'talk_s', kind: 'duration' },
  { header: 'Hold Time', key: 'hold_s', kind: 'duration' },
  { header: 'Wrap Up Time', key: 'wrap_s', kind: 'duration' },
  { header: 'DND Time', key: 'dnd_s', kind: 'duration' },
  { header: 'Occupancy (%)', key: 'occupancy_h', kind: 'percent' },
];

const SELECTED = [
  'local_start',
  'local_end',
  'ext',
  'name',
  ...COLUMNS.filter((c) => c.kind !== 'text').map((c) => c.key),
];

/** SQL and values for the rows of report hours starting in [from, to), optionally some extensions. */
export function reportQuery(from: number, to: number, exts: string[] | undefined): { sql: string; values: unknown[] } {
  const values: unknown[] = [from, to];
  let where = 'hour_start >= ? AND hour_start < ?';
  if (exts !== undefined) {
    where += ' AND ext IN (?)';
    values.push(exts);
  }
  const sql =
    `SELECT ${SELECTED.join(', ')} FROM vw_report WHERE ${where} ` +
    // SPEC §5 order: the hour's UTC start, then extension (numbers first, by value)
    'ORDER BY hour_start, ext_order_class, ext_order_len, ext_order_key, ext_order_bytes';
  return { sql, values };
}
