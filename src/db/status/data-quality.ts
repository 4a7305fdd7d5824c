// /api/status: the data-quality views in aggregate (counts and seconds, no extension or name).
import { one, select, type Db } from '../query.ts';

export interface FieldDiff {
  field: string;
  compared: number;
  differing: number;
  agentHours: number;
  absDifferenceSeconds: number;
}

/**
 * vw_reconciliation per field: derived seconds against the upstream's stats, for report
 * hours that started at `since` or later, where both cover the same part of the hour.
 */
export async function readReconciliation(db: Db, since: number): Promise<FieldDiff[]> {
  const rows = await select<{ field: string; compared: number; differing: number | null; agent_hours: number; abs_s: number | null }>(
    db,
    `SELECT field, COUNT(*) AS compared, SUM(diff_s <> 0) AS differing,
       COUNT(DISTINCT CASE WHEN diff_s <> 0 THEN CONCAT(hour_start, ':', ext) END) AS agent_hours,
       SUM(ABS(diff_s)) AS abs_s
     FROM vw_reconciliation
     WHERE hour_start >= ? AND diff_s IS NOT NULL AND counted_s = upstream_window_s
     GROUP BY field ORDER BY field`,
    [since],
  );
  return rows.map((r) => ({
    field: r.field,
    compared: Number(r.compared),
    differing: Number(r.differing ?? 0),
    agentHours: Number(r.agent_hours),
    absDifferenceSeconds: Number(r.abs_s ?? 0),
  }));
}

/** vw_answered_over_offered: agent hours with more calls answered than offered, in all and since `since`. */
export async function readAnsweredOverOffered(db: Db, since: number): Promise<{ total: number; since: number }> {
  const r = await one<{ total: number; day: number | null }>(db, 'SELECT COUNT(*) AS total, SUM(hour_start >= ?) AS day FROM vw_answered_over_offered', [since]);
  return { total: Number(r?.total ?? 0), since: Number(r?.day ?? 0) };
}

/** vw_unknown_event_types: the most frequent `limit`. */
export async function readUnknownEventTypes(db: Db, limit = 20): Promise<{ event: string; events: number }[]> {
  const rows = await select<{ event: string; events: number }>(db, 'SELECT event, events FROM vw_unknown_event_types ORDER BY events DESC, event LIMIT ?', [limit]);
  return rows.map((r) => ({ event: r.event, events: Number(r.events) }));
}

/** vw_unmapped_reasons: how many, and their Other NPT seconds. */
export async function readUnmappedReasons(db: Db): Promise<{ reasons: number; otherNptSeconds: number }> {
  const r = await one<{ n: number; s: number | null }>(db, 'SELECT COUNT(*) AS n, SUM(other_npt_s) AS s FROM vw_unmapped_reasons');
  return { reasons: Number(r?.n ?? 0), otherNptSeconds: Number(r?.s ?? 0) };
}
