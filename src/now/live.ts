// The live state (rules §10): what each agent is doing as of the data horizon, computed by
// sp_agent_live in one snapshot, with today's figures from the report's own sums
// (interval=day for the horizon's local day, dayFiguresQuery), so they equal that day's
// report row.
import type { Pool } from 'mysql2/promise';
import { assertZone } from '../db/zone.ts';
import { dayFiguresQuery } from '../report/query.ts';
import { extOrder } from '../db/ext-order.ts';
import { resolveAgents } from '../access/scope.ts';
import type { AgentAsk, Scope } from '../access/scope.ts';
import type { ReportRow } from '../report/query.ts';
import { isoLocal } from '../report/format.ts';
import { applyAgentFilter } from './filter.ts';
import { localTime } from './local-time.ts';

export interface LiveToday {
  staffed_time: number;
  available_time: number;
  productive_break: number;
  non_prod_break: number;
  offline_time: number;
  total_calls: number;
  answered_calls: number;
}

export interface LiveAgent {
  ext: string;
  name: string;
  state: string;
  reason: string | null;
  since: string;
  seconds: number;
  limit_seconds: number | null;
  over_limit: boolean;
  today: LiveToday;
}

export interface Live {
  /** The horizon, ISO 8601 local; null while nothing is loaded. */
  as_of: string | null;
  age_seconds: number | null;
  counts: Record<string, number>;
  agents: LiveAgent[];
}

// the report's state names (rules §10) of sp_agent_live's codes
const STATE = `CASE l.code WHEN 3 THEN 'Hold' WHEN 2 THEN 'Talk' WHEN 4 THEN 'Wrap Up' WHEN 1 THEN 'Idle'
  WHEN 5 THEN l.category ELSE 'Offline' END`;

const AGENTS_SQL = `
SELECT l.ext, COALESCE(NULLIF(n.name, ''), n.stats_name, '') AS name, ${STATE} AS state,
  CASE WHEN l.code = 5 THEN fn_trim_reason(l.reason) END AS reason,
  l.since, ${localTime('l.since')} AS local_since, b.horizon - l.since AS seconds,
  lim.limit_seconds, COALESCE(b.horizon - l.since > lim.limit_seconds, 0) AS over_limit
FROM apr_tmp_now_live l
JOIN apr_tmp_now_bounds b
LEFT JOIN agents n ON n.ext = l.ext
LEFT JOIN break_limits lim ON l.code = 5 AND lim.category = l.category
-- (the sort key kept with the agent, computed only for an extension with no agents row)
ORDER BY COALESCE(n.ext_sort, ${extOrder('l.ext')})`;

// how many listed agents are in each state, in the order of the codes (Idle, Talk, Hold,
// Wrap Up, the breaks by name), Offline first
const COUNTS_SQL = `
SELECT ${STATE} AS state, COUNT(*) AS n
FROM apr_tmp_now_live l
GROUP BY state
ORDER BY MIN(l.code), state`;

const BOUNDS_SQL = `
SELECT horizon, day_from, day_to, ${localTime('horizon')} AS local_horizon, UNIX_TIMESTAMP() - horizon AS age
FROM apr_tmp_now_bounds`;

const ZERO: LiveToday = { staffed_time: 0, available_time: 0, productive_break: 0, non_prod_break: 0, offline_time: 0, total_calls: 0, answered_calls: 0 };

type DayFigures = Pick<ReportRow, 'ext' | 'staffed_s' | 'available_s' | 'productive_s' | 'non_productive_s' | 'offline_s' | 'total_calls' | 'answered_calls'>;

function today(r: DayFigures | undefined): LiveToday {
  if (r === undefined) return ZERO;
  return {
    staffed_time: Number(r.staffed_s),
    available_time: Number(r.available_s),
    productive_break: Number(r.productive_s),
    non_prod_break: Number(r.non_productive_s),
    offline_time: Number(r.offline_s),
    total_calls: Number(r.total_calls),
    answered_calls: Number(r.answered_calls),
  };
}

interface AgentRow {
  ext: string;
  name: string;
  state: string;
  reason: string | null;
  since: number;
  local_since: string;
  seconds: number;
  limit_seconds: number | null;
  over_limit: number;
}

/**
 * The live state of the agents asked (`ext`, `team`) within `scope`, read in one snapshot.
 * Refuses when the database was built for another REPORT_TZ (ZoneMismatchError) and for a
 * team or extension unknown or outside the scope (ScopeError).
 */
export async function readLive(pool: Pool, reportTz: string, ask: AgentAsk, scope: Scope): Promise<Live> {
  const conn = await pool.getConnection();
  try {
    await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // (not READ ONLY: sp_agent_live fills temporary tables, which such a transaction refuses)
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    try {
      await assertZone(conn, reportTz);
      // the agents the request may see, in the same snapshot as their state (rules §9)
      const filter = { exts: (await resolveAgents(conn, ask, scope)).exts };
      const scoped = await applyAgentFilter(conn, filter);
      await conn.query('CALL sp_agent_live(?)', [scoped]);
      const [[bounds]] = (await conn.query(BOUNDS_SQL)) as unknown as [
        { horizon: number | null; day_from: number | null; day_to: number | null; local_horizon: string | null; age: number | null }[],
      ];
      if (bounds === undefined || bounds.horizon === null || bounds.local_horizon === null) return { as_of: null, age_seconds: null, counts: {}, agents: [] };
      const [rows] = (await conn.query(AGENTS_SQL)) as unknown as [AgentRow[]];
      const [countRows] = (await conn.query(COUNTS_SQL)) as unknown as [{ state: string; n: number }[]];
      // (a query of its own: joined to the rows above, MariaDB groups each agent's hours
      // on its own, ten times slower at 10,000 agents)
      const byExt = new Map<string, DayFigures>();
      if (bounds.day_from !== null && bounds.day_to !== null && (filter.exts === undefined || filter.exts.length > 0)) {
        const { sql, values } = dayFiguresQuery(Number(bounds.day_from), Number(bounds.day_to), filter.exts);
        const [dayRows] = (await conn.query(sql, values)) as unknown as [DayFigures[]];
        for (const r of dayRows) byExt.set(r.ext, r);
      }
      const counts: Record<string, number> = {};
      for (const c of countRows) counts[c.state] = Number(c.n);
      return {
        as_of: isoLocal(bounds.local_horizon, Number(bounds.horizon)),
        age_seconds: Number(bounds.age),
        counts,
        agents: rows.map((r) => ({
          ext: r.ext,
          name: r.name,
          state: r.state,
          reason: r.reason,
          since: isoLocal(r.local_since, Number(r.since)),
          seconds: Number(r.seconds),
          limit_seconds: r.limit_seconds === null ? null : Number(r.limit_seconds),
          over_limit: Number(r.over_limit) === 1,
          today: today(byExt.get(r.ext)),
        })),
      };
    } finally {
      await conn.query('COMMIT');
    }
  } finally {
    conn.release();
  }
}
