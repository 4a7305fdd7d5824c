// How a loaded window is logged, by the collector and the backfill alike.
import { localTime } from '../log.ts';
import { isoUtc } from '../time.ts';
import type { WindowResult } from './window.ts';

/** A window's log fields: its bounds in UTC with the REPORT_TZ wall-clock time beside them. */
export function windowLine(w: WindowResult, reportTz?: string): Record<string, string | number> {
  return {
    from: isoUtc(w.fromTs),
    to: isoUtc(w.toTs),
    ...(reportTz ? { local: `${localTime(w.fromTs, reportTz)} .. ${localTime(w.toTs, reportTz)}` } : {}),
    events: w.events,
    stats: w.statsRows,
    rejected: w.rejected,
    splits: w.splits,
    requests: w.requests,
    fetch_ms: w.fetchMs,
    load_ms: w.loadMs,
  };
}
