// Local wall-clock times of arbitrary instants, in SQL, from the report calendar (never the
// database's time-zone tables, SPEC §4).

/** SQL for a local wall-clock DATETIME of the epoch-seconds expression `epoch`, from the report calendar. */
export function localTime(epoch: string): string {
  // a slot is 900 real seconds with no offset change inside it (SPEC §4)
  return `(SELECT s.local_start + INTERVAL (${epoch} - s.slot_start) SECOND FROM report_slots s WHERE s.slot_start <= ${epoch} ORDER BY s.slot_start DESC LIMIT 1)`;
}
