// The report request (rules §5), shared by GET /api/report and `npm run report`: one
// parser, so the API and the CLI accept and refuse exactly the same things, with the
// same words.
import { wallDate, wallSeconds, wallToInstant } from './localtime.ts';
import { teamParam } from '../access/names.ts';

export type Durations = 'hms' | 'seconds';
export const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'total'] as const;
export type Interval = (typeof INTERVALS)[number];
export const FORMATS = ['csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const BYS = ['agent', 'team'] as const;
/** One row per agent (default) or per team (rules §9). */
export type By = (typeof BYS)[number];

export interface ReportParams {
  /** UTC epoch seconds: intervals (or for day, week, total: hours) whose start lies in [from, to). */
  from: number;
  to: number;
  /** The local range as asked (before any DST adjustment), for the file name. */
  localStart: { date: string; time: string };
  localEnd: { date: string; time: string };
  /** Extensions to keep; undefined = all. */
  exts: string[] | undefined;
  /** Teams whose members to keep (trimmed names); undefined = not asked. */
  teams: string[] | undefined;
  by: By;
  bom: boolean;
  durations: Durations;
  interval: Interval;
  format: Format;
}

/** A request the caller must fix; the message names the parameter and the expected form. */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

export const PARAM_NAMES = ['startDate', 'endDate', 'startTime', 'endTime', 'ext', 'team', 'by', 'bom', 'durations', 'interval', 'format'] as const;
type Name = (typeof PARAM_NAMES)[number];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
/** An extension that can be asked for: not one a spreadsheet would run as a formula (a leading "-"). */
export const EXT = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/;
const MAX_EXTS = 1000;

/** A short, printable echo of what was sent, so a message never carries a megabyte back. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
}

function date(name: Name, value: string): string {
  const m = DATE.exec(value);
  if (!m) throw new ParamError(`${name} must be a date as YYYY-MM-DD, e.g. 2025-09-07 (got ${shown(value)})`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]!) {
    throw new ParamError(`${name} ${shown(value)} is not a real calendar date: use YYYY-MM-DD with a month 01-12, a day that month has, and a year from 0001`);
  }
  return value;
}

function time(name: Name, value: string): string {
  if (!TIME.test(value)) throw new ParamError(`${name} must be a time as HH:MM:SS from 00:00:00 to 23:59:59, e.g. 09:00:00 (got ${shown(value)})`);
  return value;
}

/** A comma-separated `ext` list, each checked; ParamError naming the fix otherwise. */
export function parseExtList(value: string): string[] {
  const list = value.split(',');
  if (list.length > MAX_EXTS) throw new ParamError(`ext lists ${list.length} extensions; at most ${MAX_EXTS}`);
  for (const e of list) {
    if (!EXT.test(e)) {
      throw new ParamError(
        `ext must be a comma-separated list of extensions made of letters, digits, '-', '_' and '.', each 1-32 characters and not starting with '-' (a spreadsheet formula), e.g. ext=4101,4102 (got ${shown(e)})`,
      );
    }
  }
  return list;
}

/** team=North,South: each name trimmed, repeated ones once. */
function teams(value: string): string[] {
  const t = teamParam(value);
  if ('problem' in t) throw new ParamError(t.problem);
  return t.teams;
}

/**
 * Reads the parameters, given as (name, value) pairs in the order received, in the report
 * zone `tz` with a range of at most `maxDays`. Throws ParamError for anything to fix.
 *
 * A range is measured on the local wall clock: `maxDays` days means `maxDays` × 24 wall-clock
 * hours, so startDate=2025-01-01&endDate=2025-04-04 (93 days) passes at 93 and a DST day
 * counts as one day whether it has 23 or 25 hours.
 */
export function parseReportParams(
  pairs: Iterable<[string, string]>,
  tz: string,
  maxDays: number,
  // another request built on the report's (the breaks) names its own parameters here
  names: readonly string[] = PARAM_NAMES,
): ReportParams {
  const got = new Map<Name, string>();
  for (const [name, value] of pairs) {
    if (!names.includes(name) || !(PARAM_NAMES as readonly string[]).includes(name)) {
      throw new ParamError(`unknown parameter ${shown(name)}: the parameters are ${names.join(', ')}`);
    }
    if (got.has(name as Name)) throw new ParamError(`${name} is given more than once: give each parameter once`);
    got.set(name as Name, value);
  }
  const startDateRaw = got.get('startDate');
  if (startDateRaw === undefined) throw new ParamError('startDate is required: give the first day as YYYY-MM-DD, e.g. startDate=2025-09-07');
  const startDate = date('startDate', startDateRaw);
  const startTime = time('startTime', got.get('startTime') ?? '00:00:00');
  const endDateRaw = got.get('endDate');
  const endTimeRaw = got.get('endTime');
  if (endTimeRaw !== undefined && endDateRaw === undefined) {
    // Validate the time first so a malformed value is named as such.
    time('endTime', endTimeRaw);
    throw new ParamError('endTime needs endDate: give endDate=YYYY-MM-DD as well, or leave endTime out for 24 hours from the start');
  }

  const startWall = wallSeconds(startDate, startTime);
  let endWall: number;
  let localEnd: { date: string; time: string };
  if (endDateRaw === undefined) {
    // No end: the same local time on the next day (23 or 25 hours on a DST day).
    endWall = startWall + 86400;
    localEnd = { date: wallDate(endWall), time: startTime };
  } else {
    const endDate = date('endDate', endDateRaw);
    const endTime = time('endTime', endTimeRaw ?? '00:00:00');
    endWall = wallSeconds(endDate, endTime);
    localEnd = { date: endDate, time: endTime };
  }

  let bom = true;
  const bomRaw = got.get('bom');
  if (bomRaw !== undefined) {
    if (bomRaw !== '0' && bomRaw !== '1') throw new ParamError(`bom must be 0 (no byte-order mark) or 1 (the default) (got ${shown(bomRaw)})`);
    bom = bomRaw === '1';
  }
  const durationsRaw = got.get('durations') ?? 'hms';
  if (durationsRaw !== 'hms' && durationsRaw !== 'seconds') {
    throw new ParamError(`durations must be hms (HH:MM:SS, the default) or seconds (whole seconds) (got ${shown(durationsRaw)})`);
  }
  const intervalRaw = got.get('interval') ?? '1h';
  if (!(INTERVALS as readonly string[]).includes(intervalRaw)) {
    throw new ParamError(`interval must be one of ${INTERVALS.join(', ')} (default 1h) (got ${shown(intervalRaw)})`);
  }
  const formatRaw = got.get('format') ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(formatRaw)) {
    throw new ParamError(`format must be csv (the default) or json (got ${shown(formatRaw)})`);
  }
  const extRaw = got.get('ext');
  const extList = extRaw === undefined ? undefined : parseExtList(extRaw);
  const teamRaw = got.get('team');
  const teamList = teamRaw === undefined ? undefined : teams(teamRaw);
  const byRaw = got.get('by') ?? 'agent';
  if (!(BYS as readonly string[]).includes(byRaw)) throw new ParamError(`by must be agent (one row per agent, the default) or team (one row per team) (got ${shown(byRaw)})`);

  const from = wallToInstant(startWall, tz);
  const to = wallToInstant(endWall, tz);
  const asked = `${startDate} ${startTime} to ${localEnd.date} ${localEnd.time}`;
  if (to <= from) {
    throw new ParamError(
      `the end must be after the start (asked: ${asked} ${tz}): give a later endDate/endTime, or remember endDate is exclusive when no endTime is given`,
    );
  }
  if (endWall - startWall > maxDays * 86400) {
    const days = Math.ceil((endWall - startWall) / 86400);
    throw new ParamError(`the range from startDate to endDate spans ${days} days; at most ${maxDays} (REPORT_MAX_DAYS): ask for a shorter range`);
  }
  return {
    from,
    to,
    localStart: { date: startDate, time: startTime },
    localEnd,
    exts: extList,
    teams: teamList,
    by: byRaw as By,
    bom,
    durations: durationsRaw,
    interval: intervalRaw as Interval,
    format: formatRaw as Format,
  };
}

/**
 * `report_<start>_to_<end>[_<interval>].<csv|json>`; each end is `YYYY-MM-DD`, plus
 * `THH-MM-SS` unless midnight; the interval is named unless it is the default 1h.
 */
export function reportFilename(p: Pick<ReportParams, 'localStart' | 'localEnd' | 'interval' | 'format'>): string {
  const interval = p.interval === '1h' ? '' : `_${p.interval}`;
  return `report_${rangeFilePart(p)}${interval}.${p.format}`;
}

/** `<start>_to_<end>` of a file name: each end `YYYY-MM-DD`, plus `THH-MM-SS` unless midnight. */
export function rangeFilePart(p: Pick<ReportParams, 'localStart' | 'localEnd'>): string {
  const part = (x: { date: string; time: string }) => (x.time === '00:00:00' ? x.date : `${x.date}T${x.time.replaceAll(':', '-')}`);
  return `${part(p.localStart)}_to_${part(p.localEnd)}`;
}
