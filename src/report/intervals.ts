// Every interval of a range with the selected agents' seconds and counts summed per
// interval (the page's chart and totals), and the parts of the range outside loaded time
// by kind (the page's data status). Both in SQL: the figures of an interval come from its
// sums as the report's do (rules §5), so a month of a large centre is a few thousand rows,
// not a million. Read in one snapshot with the horizon and the retention cut.
import type { Pool } from 'mysql2/promise';
import { select } from '../db/query.ts';
import { assertZone } from '../db/zone.ts';
import { readHorizon } from '../db/horizon.ts';
import { COLUMNS, figures, intervalParts, SUMMED } from './query.ts';
import type { ReportRow } from './query.ts';
import type { Interval, ReportParams } from './params.ts';
import { resolveAgents, type Scope } from '../access/scope.ts';
import { interval as intervalLabel, isoLocal, shortDate } from './format.ts';
import { isoUtc } from '../time.ts';

/** Why a part of the range is Not Loaded (rules §3). */
export type NotLoadedKind = 'nothing loaded' | 'before first load' | 'gap' | 'after horizon';

export interface IntervalsAnswer {
  horizon: string | null;
  /** Raw data before this instant was pruned (RAW_RETENTION_DAYS); null when never. */
  cut: string | null;
  notLoaded: { start: string; end: string; seconds: number; kind: NotLoadedKind }[];
  intervals: Record<string, string | number | null>[];
}

type IntervalRow = ReportRow & { interval_s: number; interval_not_loaded_s: number; agents: number };

function intervalsQuery(interval: Interval, from: number, to: number, exts: string[] | undefined): { sql: string; values: unknown[] } {
  const { periods, sums, unit, start, end } = intervalParts(interval, exts);
  const summed = SUMMED.map((c) => `COALESCE(x.${c}, 0) AS ${c}`).join(', ');
  // Per interval: its own length and loaded seconds, the number of agent rows, and those
  // rows' sums (so Offline and Not Loaded are the sums of the table's columns), the
  // interval's own Not Loaded beside them. The stored rows are summed per interval before
  // the join (a month of 1,000 agents at 15 minutes is a million rows, the intervals a few
  // thousand).
  const sql = `
SELECT r.p_start, r.p_end, ls.local_start, le.local_end, r.len_s AS interval_s,
  r.len_s - r.loaded_s AS interval_not_loaded_s, r.agents,
  ${figures('r.agents', 'r')}
FROM (
  SELECT p.k, p.p_start, p.p_end, p.len_s, p.loaded_s, COALESCE(x.agents, 0) AS agents, ${summed}
  FROM (${periods}) p
  LEFT JOIN (${sums}) x ON x.k = p.k
) r
JOIN ${unit} ls ON ls.${start} = r.p_start
JOIN ${unit} le ON le.${end} = r.p_end
ORDER BY r.p_start`;
  const values: unknown[] = [from, to, from, to];
  if (exts !== undefined && exts.length > 0) values.push(exts);
  return { sql, values };
}

// The range [lo, hi) minus the stretches of loaded time: before the first stretch, between
// two (a gap), after the last (the horizon), or all of it when nothing is loaded.
const NOT_LOADED_SQL = `
SELECT nl_from, nl_to, kind FROM (
  SELECT GREATEST(COALESCE(g.g_from, b.lo), b.lo) AS nl_from, LEAST(COALESCE(g.g_to, b.hi), b.hi) AS nl_to, g.kind
  FROM (
    SELECT LAG(s_to) OVER (ORDER BY s_from) AS g_from, s_from AS g_to,
      CASE WHEN LAG(s_to) OVER (ORDER BY s_from) IS NULL THEN 'before first load' ELSE 'gap' END AS kind
    FROM vw_loaded_stretches
    UNION ALL
    SELECT MAX(s_to), NULL, CASE WHEN MAX(s_to) IS NULL THEN 'nothing loaded' ELSE 'after horizon' END
    FROM vw_loaded_stretches
  ) g
  CROSS JOIN (SELECT ? AS lo, ? AS hi) b
) n
WHERE nl_to > nl_from
ORDER BY nl_from`;

const NUMERIC = COLUMNS.filter((c) => c.kind !== 'text');

function toJson(r: IntervalRow): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {
    interval: intervalLabel(r.local_start, r.local_end),
    date: shortDate(r.local_start),
    start_time: isoLocal(r.local_start, Number(r.p_start)),
    end_time: isoLocal(r.local_end, Number(r.p_end)),
    seconds: Number(r.interval_s),
    interval_not_loaded: Number(r.interval_not_loaded_s),
    rows: Number(r.agents),
  };
  for (const c of NUMERIC) {
    const v = r[c.key as keyof ReportRow];
    out[c.json] = v === null ? null : c.kind === 'percent' ? Number(v) / 100 : Number(v);
  }
  return out;
}

/**
 * The intervals of the request's range for its agents (ext and team, within `scope`: a
 * ScopeError names what is outside it), read in one snapshot.
 */
export async function readIntervals(pool: Pool, reportTz: string, params: ReportParams, scope: Scope): Promise<IntervalsAnswer> {
  const conn = await pool.getConnection();
  try {
    await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    await assertZone(conn, reportTz);
    const { interval, from, to } = params;
    // the agents and teams are read in the same snapshot as the rows (rules §9)
    const { exts } = await resolveAgents(conn, { ext: params.exts, team: params.teams }, scope);
    const horizon = await readHorizon(conn);
    const [cutRow] = await select<{ cut: number }>(conn, 'SELECT fn_raw_cut() AS cut');
    const { sql, values } = intervalsQuery(interval, from, to, exts);
    const rows = await select<IntervalRow>(conn, sql, values);
    const parts = await select<{ nl_from: number; nl_to: number; kind: NotLoadedKind }>(conn, NOT_LOADED_SQL, [from, to]);
    await conn.query('COMMIT');
    const cut = Number(cutRow?.cut ?? 0);
    return {
      horizon: horizon === null ? null : isoUtc(horizon),
      cut: cut > 0 ? isoUtc(cut) : null,
      notLoaded: parts.map((p) => ({ start: isoUtc(Number(p.nl_from)), end: isoUtc(Number(p.nl_to)), seconds: Number(p.nl_to) - Number(p.nl_from), kind: p.kind })),
      intervals: rows.map(toJson),
    };
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
