// The page's choices, kept in the URL so a link opens the same view.

export const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'total'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;
const EXT = /^[A-Za-z0-9_.-]{1,32}$/;
// a team name as SPEC §8 allows it: no comma, no control character, 1-64 characters
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

/** The choices in a URL's query, each checked, with defaults for today in REPORT_TZ. */
export function readChoices(search, today) {
  const p = new URLSearchParams(search);
  const pick = (name, ok, fallback) => {
    const v = p.get(name);
    return v !== null && ok(v) ? v : fallback;
  };
  const startDate = pick('startDate', (v) => DATE.test(v), today);
  return {
    startDate,
    startTime: pick('startTime', (v) => TIME.test(v), '00:00:00'),
    endDate: pick('endDate', (v) => DATE.test(v), nextDay(startDate)),
    endTime: pick('endTime', (v) => TIME.test(v), '00:00:00'),
    interval: pick('interval', (v) => INTERVALS.includes(v), '1h'),
    ext: (p.get('ext') ?? '').split(',').filter((e) => EXT.test(e)),
    team: (p.get('team') ?? '').split(',').filter((t) => TEAM.test(t) && t.trim() === t),
    by: pick('by', (v) => v === 'team', 'agent'),
    durations: pick('durations', (v) => v === 'seconds', 'hms'),
    line: pick('line', (v) => v === 'answer_rate', 'occupancy'),
    timeline: pick('timeline', (v) => EXT.test(v), null),
    timelineDate: pick('timelineDate', (v) => DATE.test(v), null),
  };
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
