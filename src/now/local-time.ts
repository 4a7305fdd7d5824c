// Local wall-clock times of arbitrary instants, in SQL, from the report calendar (never the
// database's time-zone tables, rules §4).

/** SQL for a local wall-clock DATETIME of the epoch-seconds expression `epoch`, from the report calendar. */
export function localTime(epoch: string): string {
  // Every real zone's offset is a multiple of 15 minutes, so slots start at UTC multiples of
  // 900 s: the slot of an instant is found by its primary key, and there is no offset
  // change inside it (rules §4).
  return `(SELECT s.local_start + INTERVAL (${epoch} - s.slot_start) SECOND FROM report_slots s WHERE s.slot_start = ${epoch} - MOD(${epoch}, 900))`;
}
