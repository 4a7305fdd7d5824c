// Loaded seconds of a time unit (rules §3): its overlap with the stretches of loaded time
// (vw_loaded_stretches), for every query that reports them. The transform's own copy is in
// _private_span_slots, over the span's stretches copied into a temporary table.

/** Joins the stretches (as `t`) that overlap the unit [start, end): put after the unit's table. */
export function loadedStretchesJoin(start: string, end: string): string {
  return `LEFT JOIN vw_loaded_stretches t ON t.s_from < ${end} AND t.s_to > ${start}`;
}

/** Seconds of [start, end) inside loaded time, counted up to `upTo` when given; the rows grouped per unit. */
export function loadedSeconds(start: string, end: string, upTo?: string): string {
  return `COALESCE(SUM(GREATEST(0, LEAST(${end}, t.s_to${upTo === undefined ? '' : `, ${upTo}`}) - GREATEST(${start}, t.s_from))), 0)`;
}
