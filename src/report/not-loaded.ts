// Report hours with seconds outside loaded time (rules §3): a gap, a failed window, time
// before the first load or after the horizon. /api/status lists those of the last 7 days;
// a scheduled report names those of its range when it has to go out incomplete.
import type { Db } from '../db/query.ts';
import { select } from '../db/query.ts';
import { loadedSeconds, loadedStretchesJoin } from '../db/loaded-overlap.ts';

export interface NotLoadedHour {
  hourStart: number;
  hourEnd: number;
  /** Local wall-clock start and end, 'YYYY-MM-DD HH:MM:SS'. */
  localStart: string;
  localEnd: string;
  notLoadedSeconds: number;
}

/** Hours starting in [fromTs, toTs), each counted up to `upTo` (the horizon for status, the range's end for a report). */
export async function notLoadedHours(db: Db, fromTs: number, toTs: number, upTo: number): Promise<NotLoadedHour[]> {
  const rows = await select<{ hour_start: number; hour_end: number; local_start: string; local_end: string; not_loaded_s: number }>(
    db,
    `SELECT h.hour_start, h.hour_end, h.local_start, h.local_end,
       LEAST(h.hour_end, ?) - h.hour_start - ${loadedSeconds('h.hour_start', 'h.hour_end', '?')} AS not_loaded_s
     FROM report_hours h
     ${loadedStretchesJoin('h.hour_start', 'h.hour_end')}
     WHERE h.hour_start >= ? AND h.hour_start < ?
     GROUP BY h.hour_start, h.hour_end, h.local_start, h.local_end
     HAVING not_loaded_s > 0
     ORDER BY h.hour_start`,
    [upTo, upTo, fromTs, toTs],
  );
  return rows.map((r) => ({
    hourStart: Number(r.hour_start),
    hourEnd: Number(r.hour_end),
    localStart: String(r.local_start),
    localEnd: String(r.local_end),
    notLoadedSeconds: Number(r.not_loaded_s),
  }));
}
