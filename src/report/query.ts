// The report's one SELECT (rules §5): per agent and interval, the sums of its slot or hour
// rows, every figure computed from those sums with exact integer rounding, in report
// order. The TypeScript layer only formats what this query returns.
//
// Rounding is integer arithmetic, halves up: n/d to the nearest unit is (2n + d) DIV (2d);
// in hundredths of a percent (20000n + d) DIV (2d). Floating-point ROUND would give 0.12
// for 1/800 where 0.13 is right.
import type { By, Interval } from './params.ts';
import { extOrder } from '../db/ext-order.ts';
import { loadedSeconds, loadedStretchesJoin } from '../db/loaded-overlap.ts';

export interface ReportRow {
  /** The interval's (or its first hour's) UTC start and its (last hour's) UTC end. */
  p_start: number;
  p_end: number;
  local_start: string;
  local_end: string;
  /** by=agent: the agent; by=team: absent. */
  ext: string;
  name: string;
  /** by=team: the team and how many of its agents have a row in the interval. */
  team?: string;
  agents?: number;
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
  staffed_s: number;
  offline_s: number;
  not_loaded_s: number;
}

type Kind = 'duration' | 'count' | 'percent' | 'text';
type Key = keyof ReportRow | 'interval' | 'date' | 'start' | 'end';
type Column = { header: string; json: string; key: Key; kind: Kind };

/** The report's columns in order (rules §5): CSV header, JSON key, query column, how to print it. */
export const COLUMNS: readonly Column[] = [
  { header: 'Interval', json: 'interval', key: 'interval', kind: 'text' },
  { header: 'Date', json: 'date', key: 'date', kind: 'text' },
  { header: 'Start Time', json: 'start_time', key: 'start', kind: 'text' },
  { header: 'End Time', json: 'end_time', key: 'end', kind: 'text' },
  { header: 'Ext', json: 'ext', key: 'ext', kind: 'text' },
  { header: 'Name', json: 'name', key: 'name', kind: 'text' },
  { header: 'Available Time', json: 'available_time', key: 'available_s', kind: 'duration' },
  { header: 'Productive Break', json: 'productive_break', key: 'productive_s', kind: 'duration' },
  { header: 'Non-Prod. Break', json: 'non_prod_break', key: 'non_productive_s', kind: 'duration' },
  { header: 'Login Time', json: 'login_time', key: 'login_s', kind: 'duration' },
  { header: 'Logoff Time', json: 'logoff_time', key: 'logoff_s', kind: 'duration' },
  { header: 'Idle Time', json: 'idle_time', key: 'idle_s', kind: 'duration' },
  { header: 'Total Calls', json: 'total_calls', key: 'total_calls', kind: 'count' },
  { header: 'Answered Calls', json: 'answered_calls', key: 'answered_calls', kind: 'count' },
  { header: 'Failed Calls', json: 'failed_calls', key: 'failed_calls', kind: 'count' },
  { header: 'AHT', json: 'aht', key: 'aht_s', kind: 'duration' },
  { header: 'Answer Rate (%)', json: 'answer_rate', key: 'answer_rate_h', kind: 'percent' },
  { header: 'Lunch Time', json: 'lunch_time', key: 'lunch_s', kind: 'duration' },
  { header: 'Tea/Coffee Break', json: 'tea_coffee_break', key: 'tea_s', kind: 'duration' },
  { header: 'Bio Break', json: 'bio_break', key: 'bio_s', kind: 'duration' },
  { header: 'Short Break', json: 'short_break', key: 'short_break_s', kind: 'duration' },
  { header: 'Other NPT', json: 'other_npt', key: 'other_npt_s', kind: 'duration' },
  { header: 'Meeting Time', json: 'meeting_time', key: 'meeting_s', kind: 'duration' },
  { header: 'Training Time', json: 'training_time', key: 'training_s', kind: 'duration' },
  { header: 'Chat Time', json: 'chat_time', key: 'chat_s', kind: 'duration' },
  { header: 'Tickets Time', json: 'tickets_time', key: 'tickets_s', kind: 'duration' },
  { header: 'Outbound Time', json: 'outbound_time', key: 'outbound_s', kind: 'duration' },
  { header: 'Talk Time', json: 'talk_time', key: 'talk_s', kind: 'duration' },
  { header: 'Hold Time', json: 'hold_time', key: 'hold_s', kind: 'duration' },
  { header: 'Wrap Up Time', json: 'wrap_up_time', key: 'wrap_s', kind: 'duration' },
  { header: 'DND Time', json: 'dnd_time', key: 'dnd_s', kind: 'duration' },
  { header: 'Occupancy (%)', json: 'occupancy', key: 'occupancy_h', kind: 'percent' },
  { header: 'Staffed Time', json: 'staffed_time', key: 'staffed_s', kind: 'duration' },
  { header: 'Offline Time', json: 'offline_time', key: 'offline_s', kind: 'duration' },
  { header: 'Not Loaded Time', json: 'not_loaded_time', key: 'not_loaded_s', kind: 'duration' },
];

/** by=team: columns 5 and 6 name the team and count its agents with a row (rules §9). */
const TEAM_COLUMNS: readonly Column[] = COLUMNS.map((c) =>
  c.key === 'ext'
    ? { header: 'Team', json: 'team', key: 'team', kind: 'text' }
    : c.key === 'name'
      ? { header: 'Agents', json: 'agents', key: 'agents', kind: 'count' }
      : c,
);

/** The columns of a report by agent or by team. */
export function reportColumns(by: By): readonly Column[] {
  return by === 'team' ? TEAM_COLUMNS : COLUMNS;
}

/** The seconds columns summed from the stored rows (agent_slot_activity, agent_activity). */
export const SUMMED = [
  'idle_s', 'talk_s', 'hold_s', 'wrap_s', 'login_s', 'logoff_s', 'dnd_s', 'meeting_s', 'training_s', 'chat_s',
  'tickets_s', 'outbound_s', 'lunch_s', 'tea_s', 'bio_s', 'short_break_s', 'other_npt_s', 'total_calls', 'answered_calls',
] as const;

interface Grain {
  /** The stored rows and the calendar they follow. */
  rows: 'agent_slot_activity' | 'agent_activity';
  unit: 'report_slots' | 'report_hours';
  start: 'slot_start' | 'hour_start';
  end: 'slot_end' | 'hour_end';
  /** The interval a unit belongs to, from a row or calendar row aliased `x`. */
  key: (x: string) => string;
  /** The start by which a unit is selected: the interval's own start (rules §5). */
  selectBy: (x: string) => string;
  /** Whether one unit is one interval (no sums needed). */
  single: boolean;
}

// A half hour is the slots of :00-:30 or :30-:00 of its report hour.
const halfStart = (x: string) => `${x}.hour_start + ((${x}.slot_start - ${x}.hour_start) DIV 1800) * 1800`;
// Local calendar days and Monday-to-Sunday weeks of the hour's local start.
const localDay = (x: string) => `TO_DAYS(${x}.local_start)`;

const GRAINS: Record<Interval, Grain> = {
  '15m': { rows: 'agent_slot_activity', unit: 'report_slots', start: 'slot_start', end: 'slot_end', key: (x) => `${x}.slot_start`, selectBy: (x) => `${x}.slot_start`, single: true },
  '30m': { rows: 'agent_slot_activity', unit: 'report_slots', start: 'slot_start', end: 'slot_end', key: halfStart, selectBy: halfStart, single: false },
  '1h': { rows: 'agent_activity', unit: 'report_hours', start: 'hour_start', end: 'hour_end', key: (x) => `${x}.hour_start`, selectBy: (x) => `${x}.hour_start`, single: true },
  day: { rows: 'agent_activity', unit: 'report_hours', start: 'hour_start', end: 'hour_end', key: localDay, selectBy: (x) => `${x}.hour_start`, single: false },
  week: { rows: 'agent_activity', unit: 'report_hours', start: 'hour_start', end: 'hour_end', key: (x) => `${localDay(x)} - WEEKDAY(${x}.local_start)`, selectBy: (x) => `${x}.hour_start`, single: false },
  total: { rows: 'agent_activity', unit: 'report_hours', start: 'hour_start', end: 'hour_end', key: () => '0', selectBy: (x) => `${x}.hour_start`, single: false },
};

// The summed columns that make up Available, Productive, Non-Productive and Staffed (rules §5)
const AVAILABLE = ['idle_s', 'talk_s', 'hold_s', 'wrap_s'];
const PRODUCTIVE = ['meeting_s', 'training_s', 'chat_s', 'tickets_s', 'outbound_s'];
const NON_PRODUCTIVE = ['lunch_s', 'tea_s', 'bio_s', 'short_break_s', 'other_npt_s'];
const STAFFED = [...AVAILABLE, ...PRODUCTIVE, ...NON_PRODUCTIVE, 'login_s', 'logoff_s', 'dnd_s'];
/** The sum of columns `cols` of alias `x`, as SQL. */
const plus = (x: string, cols: readonly string[]) => `(${cols.map((c) => `${x}.${c}`).join(' + ')})`;

/**
 * SQL that computes every figure of rules §5 from the sums in alias `r` (and the period's
 * loaded and total seconds in alias `p`). `agents`: how many agents the sums are of (a team
 * row's; 1 for an agent), since each of them has the period's loaded and not-loaded seconds.
 */
export function figures(agents: string, p = 'p'): string {
  const avail = plus('r', AVAILABLE);
  const handled = '(r.talk_s + r.hold_s + r.wrap_s)';
  const staffed = plus('r', STAFFED);
  return `
  ${avail} AS available_s,
  ${plus('r', PRODUCTIVE)} AS productive_s,
  ${plus('r', NON_PRODUCTIVE)} AS non_productive_s,
  r.login_s, r.logoff_s, r.idle_s, r.total_calls, r.answered_calls,
  -- answered > total is upstream noise (rules §4): no negative failures
  GREATEST(CAST(r.total_calls AS SIGNED) - CAST(r.answered_calls AS SIGNED), 0) AS failed_calls,
  -- AHT = (Talk + Hold + Wrap Up) / Answered to the nearest second, 0 when none answered
  CASE WHEN r.answered_calls > 0 THEN (2 * ${handled} + r.answered_calls) DIV (2 * r.answered_calls) ELSE 0 END AS aht_s,
  -- Answer Rate in hundredths of a percent, at most 100.00, NULL (empty) when none offered
  CASE WHEN r.total_calls > 0 THEN LEAST((20000 * r.answered_calls + r.total_calls) DIV (2 * r.total_calls), 10000) END AS answer_rate_h,
  r.lunch_s, r.tea_s, r.bio_s, r.short_break_s, r.other_npt_s,
  r.meeting_s, r.training_s, r.chat_s, r.tickets_s, r.outbound_s,
  r.talk_s, r.hold_s, r.wrap_s, r.dnd_s,
  -- Occupancy = (Talk + Hold + Wrap Up) / Available in hundredths, NULL (empty) when Available is 0
  CASE WHEN ${avail} > 0 THEN LEAST((20000 * ${handled} + ${avail}) DIV (2 * ${avail}), 10000) END AS occupancy_h,
  -- rules §3 conservation: Staffed + Offline = the period's loaded seconds, + Not Loaded = its length
  ${staffed} AS staffed_s,
  ${agents} * ${p}.loaded_s - ${staffed} AS offline_s,
  ${agents} * (${p}.len_s - ${p}.loaded_s) AS not_loaded_s`;
}

/**
 * SQL and values for a few figures of each agent's report row of one day [from, to) (the
 * `interval=day` row's staffed, available, productive, non-productive and offline seconds
 * and its calls), of some extensions only when given: the live state's "today" (rules
 * §10). The same sums as reportQuery's row, added up per figure before they are summed
 * over the hours, so a day of 10,000 agents is grouped with 6 sums instead of 19.
 */
export function dayFiguresQuery(from: number, to: number, exts: string[] | undefined): { sql: string; values: unknown[] } {
  const g = GRAINS.day;
  const values: unknown[] = [from, to];
  if (exts !== undefined && exts.length > 0) values.push(exts);
  values.push(from, to);
  const sql = `
SELECT r.ext, r.staffed_s, r.available_s, r.productive_s, r.non_productive_s,
  p.loaded_s - r.staffed_s AS offline_s, r.total_calls, r.answered_calls
FROM (
  SELECT ${g.key('a')} AS k, a.ext, SUM(${plus('a', STAFFED)}) AS staffed_s, SUM(${plus('a', AVAILABLE)}) AS available_s,
    SUM(${plus('a', PRODUCTIVE)}) AS productive_s, SUM(${plus('a', NON_PRODUCTIVE)}) AS non_productive_s,
    SUM(a.total_calls) AS total_calls, SUM(a.answered_calls) AS answered_calls
  FROM ${g.rows} a
  WHERE ${g.selectBy('a')} >= ? AND ${g.selectBy('a')} < ?${extFilterOf(exts)}
  GROUP BY k, a.ext
) r
JOIN (${periodsOf(g)}) p ON p.k = r.k`;
  return { sql, values };
}

const extFilterOf = (exts: string[] | undefined) => (exts === undefined ? '' : exts.length === 0 ? ' AND 1 = 0' : ' AND a.ext IN (?)');

/**
 * The units (slots or hours) selected by [from, to) (values [from, to]), grouped into
 * periods: each period's key k, bounds, length and loaded seconds (its overlap with the
 * stretches of loaded time, the same for every agent).
 */
function periodsOf(g: Grain): string {
  return `
    SELECT u.k, MIN(u.${g.start}) AS p_start, MAX(u.${g.end}) AS p_end,
      SUM(u.${g.end} - u.${g.start}) AS len_s, SUM(u.loaded_s) AS loaded_s
    FROM (
      SELECT ${g.key('c')} AS k, c.${g.start}, c.${g.end},
        ${loadedSeconds(`c.${g.start}`, `c.${g.end}`)} AS loaded_s
      FROM ${g.unit} c
      ${loadedStretchesJoin(`c.${g.start}`, `c.${g.end}`)}
      WHERE ${g.selectBy('c')} >= ? AND ${g.selectBy('c')} < ?
      GROUP BY c.${g.start}, c.${g.end}, k
    ) u
    GROUP BY u.k`;
}

/**
 * For GET /api/intervals: the periods of [from, to) (values [from, to]); the stored rows
 * summed per interval over the agents, with how many agent rows the report has in it
 * (values [from, to] and the extensions when the list is not empty); the calendar table
 * and columns of the bounds.
 */
export function intervalParts(interval: Interval, exts: string[] | undefined): { periods: string; sums: string; unit: string; start: string; end: string } {
  const g = GRAINS[interval];
  const sums = `
    SELECT ${g.key('a')} AS k, ${g.single ? 'COUNT(*)' : 'COUNT(DISTINCT a.ext)'} AS agents,
      ${SUMMED.map((c) => `SUM(a.${c}) AS ${c}`).join(', ')}
    FROM ${g.rows} a
    WHERE ${g.selectBy('a')} >= ? AND ${g.selectBy('a')} < ?${extFilterOf(exts)}
    GROUP BY k`;
  return { periods: periodsOf(g), sums, unit: g.unit, start: g.start, end: g.end };
}

/**
 * SQL and values for the report rows of intervals selected by [from, to), optionally of
 * some extensions only (an empty list: none). With `byTeam`, one row per team and
 * interval instead (rules §9): the sums of its member agents' rows, of `byTeam.teams`
 * only when given.
 */
export function reportQuery(
  interval: Interval,
  from: number,
  to: number,
  exts: string[] | undefined,
  byTeam?: { teams: string[] | undefined },
): { sql: string; values: unknown[] } {
  const g = GRAINS[interval];
  const sums = SUMMED.map((c) => (g.single ? `a.${c}` : `SUM(a.${c}) AS ${c}`)).join(', ');
  const extFilter = extFilterOf(exts);
  const periods = periodsOf(g);
  const rows = `
    SELECT ${g.key('a')} AS k, a.ext, ${sums}
    FROM ${g.rows} a
    WHERE ${g.selectBy('a')} >= ? AND ${g.selectBy('a')} < ?${extFilter}
    ${g.single ? '' : 'GROUP BY k, a.ext'}`;
  const calendar = g.unit;
  const values: unknown[] = [];
  if (byTeam !== undefined) {
    const teamFilter = byTeam.teams === undefined ? '' : byTeam.teams.length === 0 ? ' AND 1 = 0' : ' AND m.team IN (?)';
    if (byTeam.teams !== undefined && byTeam.teams.length > 0) values.push(byTeam.teams);
    values.push(from, to);
    if (exts !== undefined && exts.length > 0) values.push(exts);
    values.push(from, to);
    // rules §9: a team's row sums its members' rows of the interval (an agent in two teams
    // counts in both; summing the stored rows per team at once equals summing the agents'
    // interval rows), and every figure is computed from those sums as for an agent
    const teamRows = `
    SELECT ${g.key('a')} AS k, m.team, COUNT(DISTINCT a.ext) AS agents, ${SUMMED.map((c) => `SUM(a.${c}) AS ${c}`).join(', ')}
    FROM ${g.rows} a
    JOIN team_members m ON m.ext = a.ext${teamFilter}
    WHERE ${g.selectBy('a')} >= ? AND ${g.selectBy('a')} < ?${extFilter}
    GROUP BY k, m.team`;
    const sql = `
SELECT p.p_start, p.p_end, ls.local_start, le.local_end, r.team, r.agents,
  ${figures('r.agents')}
FROM (${teamRows}) r
JOIN (${periods}) p ON p.k = r.k
JOIN ${calendar} ls ON ls.${g.start} = p.p_start
JOIN ${calendar} le ON le.${g.end} = p.p_end
-- rules §9 order: the interval's UTC start, then the team name in binary order
ORDER BY p.p_start, CAST(r.team AS BINARY)`;
    return { sql, values };
  }
  values.push(from, to);
  if (exts !== undefined && exts.length > 0) values.push(exts);
  values.push(from, to);
  const sql = `
SELECT p.p_start, p.p_end, ls.local_start, le.local_end, r.ext,
  -- the cleaned event name; the stats name only when no event has one (rules §5, Name)
  COALESCE(NULLIF(n.name, ''), n.stats_name, '') AS name,
  ${figures('1')}
FROM (${rows}) r
JOIN (${periods}) p ON p.k = r.k
JOIN ${calendar} ls ON ls.${g.start} = p.p_start
JOIN ${calendar} le ON le.${g.end} = p.p_end
LEFT JOIN agents n ON n.ext = r.ext
-- rules §5 order: the interval's UTC start, then the extension in report order, by the sort
-- key kept with the agent (agents.ext_sort, migration 102); computed here only for an
-- extension without an agents row
ORDER BY p.p_start, COALESCE(n.ext_sort, ${extOrder('r.ext')})`;
  return { sql, values };
}
