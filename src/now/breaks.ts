// The breaks report (rules §10): one row per break that begins in the range, computed by
// sp_agent_breaks in the request's snapshot; this module names the columns, selects the
// rows in order (with their limits and local times) and encodes them as CSV or JSON
// through the report's writers.
import type { Writable } from 'node:stream';
import type { Pool } from 'mysql2/promise';
import { extOrder } from '../db/ext-order.ts';
import { FULL_SCOPE, resolveAgents } from '../access/scope.ts';
import type { ReportParams } from '../report/params.ts';
import { CSV_CONTENT_TYPE, csvEncoder } from '../report/csv.ts';
import { JSON_CONTENT_TYPE, jsonEncoder } from '../report/json.ts';
import { dateTime, hms, isoLocal, safeName } from '../report/format.ts';
import { countingStage, writeRows } from '../report/write.ts';
import { batchBytes } from '../report/batches.ts';
import type { ReportHooks } from '../report/write.ts';
import { applyAgentFilter } from './filter.ts';
import { localTime } from './local-time.ts';

export interface BreaksParams extends ReportParams {
  /** Only the breaks over their limit. */
  over: boolean;
}

interface BreakRow {
  ext: string;
  name: string;
  category: string;
  reason: string;
  b_from: number;
  /** Null while the break still runs at the horizon. */
  b_to: number | null;
  local_from: string;
  local_to: string | null;
  duration_s: number;
  limit_s: number | null;
  over_s: number | null;
}

export const BREAK_HEADERS = ['Ext', 'Name', 'Category', 'Reason', 'Start', 'End', 'Duration', 'Limit', 'Over Limit'] as const;

/** The rows of apr_tmp_now_breaks in rules §10's order: start, then extension as in the report. */
function breaksSelect(over: boolean): string {
  return `
SELECT b.ext, COALESCE(NULLIF(n.name, ''), n.stats_name, '') AS name, b.category, fn_trim_reason(b.reason) AS reason,
  b.b_from, CASE WHEN b.b_to < c.horizon THEN b.b_to END AS b_to,
  ${localTime('b.b_from')} AS local_from,
  CASE WHEN b.b_to < c.horizon THEN ${localTime('b.b_to')} END AS local_to,
  -- to its end, or to the horizon while it runs (b_to is the horizon then)
  b.b_to - b.b_from AS duration_s,
  l.limit_seconds AS limit_s,
  CASE WHEN l.limit_seconds IS NOT NULL THEN GREATEST(CAST(b.b_to - b.b_from AS SIGNED) - CAST(l.limit_seconds AS SIGNED), 0) END AS over_s
FROM apr_tmp_now_breaks b
JOIN collector_state c ON c.id = 1
LEFT JOIN agents n ON n.ext = b.ext
LEFT JOIN break_limits l ON l.category = b.category
${over ? 'WHERE b.b_to - b.b_from > l.limit_seconds' : ''}
-- the sort key kept with the agent (agents.ext_sort), computed only for an extension
-- with no agents row
ORDER BY b.b_from, COALESCE(n.ext_sort, ${extOrder('b.ext')})`;
}

function csvRecord(durations: ReportParams['durations']): (r: BreakRow) => string[] {
  const d = durations === 'seconds' ? (s: number) => String(s) : (s: number) => hms(s);
  const maybe = (s: number | null) => (s === null ? '' : d(Number(s)));
  return (r) => [
    r.ext,
    safeName(r.name),
    r.category,
    safeName(r.reason),
    dateTime(r.local_from),
    r.local_to === null ? '' : dateTime(r.local_to),
    d(Number(r.duration_s)),
    maybe(r.limit_s),
    maybe(r.over_s),
  ];
}

function jsonObject(r: BreakRow): Record<string, string | number | null> {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    ext: r.ext,
    name: r.name,
    category: r.category,
    reason: r.reason,
    start: isoLocal(r.local_from, Number(r.b_from)),
    end: r.local_to === null || r.b_to === null ? null : isoLocal(r.local_to, Number(r.b_to)),
    duration: Number(r.duration_s),
    limit: num(r.limit_s),
    over_limit: num(r.over_s),
  };
}

/**
 * Writes the breaks of `params` (its `ext` and `team` within `hooks.scope`) to `out` and
 * ends it, streamed from one snapshot. Refuses before any byte when the database was built
 * for another REPORT_TZ (ZoneMismatchError) and for a team or extension unknown or outside
 * the scope (ScopeError).
 */
export function writeBreaks(
  pool: Pool,
  params: BreaksParams,
  reportTz: string,
  out: Writable,
  hooks: ReportHooks = {},
): Promise<{ rows: number; horizon: number | null }> {
  return writeRows(pool, reportTz, out, hooks, {
    async prepare(conn) {
      // the agents the request may see, in the same snapshot as the breaks (rules §9)
      const sel = await resolveAgents(conn, { ext: params.exts, team: params.teams }, hooks.scope ?? FULL_SCOPE);
      const scoped = await applyAgentFilter(conn, { exts: sel.exts });
      await conn.query('CALL sp_agent_breaks(?, ?, ?)', [params.from, params.to, scoped]);
      return { sql: breaksSelect(params.over), values: [] };
    },
    encoders(progress) {
      const toOut = params.format === 'json' ? (r: BreakRow) => r : csvRecord(params.durations);
      const counting = countingStage(progress, toOut);
      return params.format === 'json' ? [counting, jsonEncoder('agent', jsonObject), batchBytes()] : [counting, csvEncoder(params, BREAK_HEADERS)];
    },
    contentType: params.format === 'json' ? JSON_CONTENT_TYPE : CSV_CONTENT_TYPE,
    usesTemporaryTables: true,
  });
}
