// Data status: the horizon and the lag (GET /api/status), and every part of the chosen
// range that is Not Loaded, by kind (before the first load, a gap, after the horizon; from
// GET /api/intervals, computed in SQL from the loaded windows), each with the backfill
// command that fills it (local times of REPORT_TZ). Also the words shown in place of an
// empty chart: nothing loaded is not the same as nobody working.
import { hms, wallClock } from './format.js';

function local(iso, tz) {
  const w = wallClock(Date.parse(iso), tz);
  return `${w.date} ${w.time.slice(0, 5)}`;
}

function backfill(fromIso, toIso, tz) {
  return `npm run backfill -- --from "${local(fromIso, tz)}" --to "${local(toIso, tz)}"`;
}

function lag(seconds) {
  const s = Math.max(0, seconds);
  return s >= 172800 ? `${Math.floor(s / 86400)} days` : hms(s);
}

function item(text, command) {
  const li = document.createElement('li');
  li.textContent = text;
  if (command) {
    const code = document.createElement('code');
    code.textContent = command;
    li.append(' ', code);
  }
  return li;
}

/** The replica this server reads (REPORT_DATABASE_URL), as /api/status tells it; none without one. */
function replicaLine(r) {
  if (!r?.configured) return null;
  if (r.replicating === false) return `Read from a replica that is not replicating (${r.reason}): newer data on the primary is not shown yet.`;
  if (r.lagSeconds === null) return `Read from a replica; its lag is unknown (${r.reason}).`;
  return `Read from a replica, ${lag(r.lagSeconds)} behind its primary.`;
}

/** One line per Not Loaded part, in words, with the command that loads it where one can. */
function partItem(p, tz, nowMs) {
  const span = `${local(p.start, tz)} – ${local(p.end, tz)} (${hms(p.seconds)})`;
  switch (p.kind) {
    case 'gap':
      return item(`Gap in the loaded data ${span}: fill it with`, backfill(p.start, p.end, tz));
    case 'before first load':
      return item(`Not loaded, before the first load ${span}: load it with`, backfill(p.start, p.end, tz));
    case 'nothing loaded':
      return Date.parse(p.start) < nowMs
        ? item(`Not loaded ${span}: nothing is loaded yet. Load it with`, backfill(p.start, p.end, tz))
        : item(`Not loaded ${span}: this time has not come yet.`);
    default:
      return Date.parse(p.start) < nowMs
        ? item(`Not loaded yet, after the data horizon ${span}: the collector loads it as it runs (or load it now with`, `${backfill(p.start, p.end, tz)})`)
        : item(`Not loaded yet, after the data horizon ${span}: this time has not come yet.`);
  }
}

/** status: GET /api/status; answer: GET /api/intervals of the chosen range. */
export function drawStatus(box, status, answer, tz, nowMs = Date.now()) {
  const list = document.createElement('ul');
  if (status.horizon === null) {
    list.append(item('Nothing is loaded yet: the collector loads the last 48 hours on its first run.'));
  } else {
    list.append(item(`Data loaded up to ${local(status.horizon, tz)} (${tz}), ${lag(status.lagSeconds)} ago.`));
  }
  const replica = replicaLine(status.replica);
  if (replica) list.append(item(replica));
  for (const p of answer.notLoaded) list.append(partItem(p, tz, nowMs));
  if (answer.notLoaded.length === 0) list.append(item('Every second of this range is loaded.'));
  const first = answer.intervals[0];
  if (answer.cut !== null && first && Date.parse(answer.cut) > Date.parse(first.start_time)) {
    list.append(
      item(`Raw events before ${local(answer.cut, tz)} were deleted (RAW_RETENTION_DAYS, npm run prune): the figures stay as they were, but no timeline is drawn before then.`),
    );
  }
  box.replaceChildren(list);
  box.classList.toggle('warn', answer.notLoaded.length > 0 || status.replica?.replicating === false);
}

/**
 * The words shown instead of an empty chart, or '' when there is something to draw: nothing
 * loaded (with the command that loads it), or loaded with every agent Offline.
 */
export function emptyRangeWords(answer, tz, nowMs = Date.now()) {
  const xs = answer.intervals;
  if (xs.length === 0) return { text: 'This range holds no interval of the report calendar.', command: '' };
  const loaded = xs.some((x) => x.interval_not_loaded < x.seconds);
  if (!loaded) {
    const from = xs[0].start_time;
    const to = xs.at(-1).end_time;
    if (Date.parse(from) >= nowMs) return { text: 'Nothing is loaded for this range: it has not come yet.', command: '' };
    return { text: 'Nothing was loaded for this range, so it has no figures (this does not mean nobody worked). Load it with', command: backfill(from, to, tz) };
  }
  if (xs.every((x) => x.rows === 0)) return { text: 'No agent was active in the loaded time of this range: every agent was Offline.', command: '' };
  return { text: '', command: '' };
}
