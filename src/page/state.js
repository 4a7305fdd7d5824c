// The page's choices, kept in the URL so a link opens the same view.

export const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'total'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;
const EXT = /^[A-Za-z0-9_.-]{1,32}$/;
// a team name as rules §9 allows it: no comma, no control character, 1-64 characters
const TEAM = /^[^,\u0000-\u001f\u007f-\u009f]{1,64}$/;

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** `09:00` (a time input without seconds) as `09:00:00`. */
export function fullTime(t) {
  return /^\d{2}:\d{2}$/.test(t) ? `${t}:00` : t;
}

/** Whether `v` is a real calendar date as YYYY-MM-DD (2026-13-45 is not). */
export function isDate(v) {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '0001-01-01';
}

const isTime = (v) => TIME.test(v) && v < '24:00:00' && Number(v.slice(3, 5)) < 60 && Number(v.slice(6, 8)) < 60;

// the link's names for a supervisor
const SHOWN = { startDate: 'start date', startTime: 'start time', endDate: 'end date', endTime: 'end time', interval: 'interval', ext: 'agent', by: 'rows per', team: 'team', durations: 'durations', line: 'line', timeline: 'timeline agent', timelineDate: 'timeline date' };

/**
 * The choices in a URL's query, each checked, with defaults for today in REPORT_TZ, and a
 * note for each value of the link that was not usable (the default is shown instead).
 */
export function readChoicesWithNotes(search, today) {
  const p = new URLSearchParams(search);
  const notes = [];
  const pick = (name, ok, fallback) => {
    const v = p.get(name);
    if (v === null || v === '') return fallback;
    if (ok(v)) return v;
    notes.push(`The link's ${SHOWN[name]} "${v.slice(0, 40)}" is not valid`);
    return fallback;
  };
  let startDate = pick('startDate', isDate, today);
  let endDate = pick('endDate', isDate, null);
  const dateBad = notes.length > 0;
  if (dateBad) {
    // a date of the link was unusable: the whole range falls back to today
    startDate = today;
    endDate = null;
  }
  const rawExt = (p.get('ext') ?? '').split(',').filter((e) => e !== '');
  const ext = rawExt.filter((e) => EXT.test(e));
  if (ext.length < rawExt.length) notes.push('Some agents of the link are not valid extensions');
  const choices = {
    startDate,
    startTime: pick('startTime', isTime, '00:00:00'),
    endDate: endDate ?? nextDay(startDate),
    endTime: pick('endTime', isTime, '00:00:00'),
    interval: pick('interval', (v) => INTERVALS.includes(v), '1h'),
    ext,
    team: (p.get('team') ?? '').split(',').filter((t) => TEAM.test(t) && t.trim() === t),
    by: pick('by', (v) => v === 'team' || v === 'agent', 'agent'),
    durations: pick('durations', (v) => v === 'seconds' || v === 'hms', 'hms'),
    line: pick('line', (v) => v === 'answer_rate' || v === 'occupancy', 'occupancy'),
    offline: p.get('offline') === '1',
    timeline: pick('timeline', (v) => EXT.test(v), null),
    timelineDate: pick('timelineDate', isDate, null),
  };
  const instead = dateBad ? 'showing today instead' : 'the default is shown instead';
  return { choices, notes: notes.length === 0 ? [] : [`${notes.join('; ')}: ${instead}.`] };
}

/** The choices in a URL's query (see readChoicesWithNotes), without the notes. */
export function readChoices(search, today) {
  return readChoicesWithNotes(search, today).choices;
}

/**
 * Why the range cannot be shown, in a supervisor's words, or null when it can: the dates
 * and times are real, the end is after the start, and the range is at most maxDays days.
 */
export function rangeProblem(c, maxDays) {
  if (!isDate(c.startDate)) return 'Pick a start date.';
  if (!isDate(c.endDate)) return 'Pick an end date.';
  if (!isTime(c.startTime)) return 'Pick a start time.';
  if (!isTime(c.endTime)) return 'Pick an end time.';
  const start = Date.parse(`${c.startDate}T${c.startTime}Z`);
  const end = Date.parse(`${c.endDate}T${c.endTime}Z`);
  if (end <= start) return 'The end is not after the start: pick a later end date or time.';
  const days = Math.ceil((end - start) / 86400000);
  if (maxDays && end - start > maxDays * 86400000) return `That range is ${days} days long; the longest report is ${maxDays} days: pick a shorter range.`;
  return null;
}

/** The page URL's query for the choices (defaults left out). */
export function choicesQuery(c) {
  const p = new URLSearchParams({ startDate: c.startDate, startTime: c.startTime, endDate: c.endDate, endTime: c.endTime });
  if (c.interval !== '1h') p.set('interval', c.interval);
  if (c.ext.length > 0) p.set('ext', c.ext.join(','));
  if (c.team.length > 0) p.set('team', c.team.join(','));
  if (c.by !== 'agent') p.set('by', c.by);
  if (c.durations !== 'hms') p.set('durations', c.durations);
  if (c.line !== 'occupancy') p.set('line', c.line);
  if (c.offline) p.set('offline', '1');
  if (c.timeline && c.timelineDate) {
    p.set('timeline', c.timeline);
    p.set('timelineDate', c.timelineDate);
  }
  return p.toString();
}

/** The API query of the report for the choices (format, durations and bom are the caller's). */
export function reportQuery(c, { withExt = true } = {}) {
  const q = { startDate: c.startDate, startTime: c.startTime, endDate: c.endDate, endTime: c.endTime };
  if (c.interval !== '1h') q.interval = c.interval;
  if (withExt && c.ext.length > 0) q.ext = c.ext.join(',');
  if (c.team.length > 0) q.team = c.team.join(',');
  if (c.by !== 'agent') q.by = c.by;
  return q;
}
