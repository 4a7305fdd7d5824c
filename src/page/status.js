// Data status: the horizon, the lag, and the gaps and Not Loaded hours that fall in the
// chosen range, each with the backfill command that fills it (local times of REPORT_TZ).
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

/** rangeMs: [start, end) of the chosen range as epoch milliseconds. */
export function drawStatus(box, status, tz, [fromMs, toMs]) {
  const list = document.createElement('ul');
  if (status.horizon === null) {
    list.append(item('Nothing is loaded yet: the collector loads the last 48 hours on its first run.'));
  } else {
    list.append(item(`Data loaded up to ${local(status.horizon, tz)} (${tz}), ${lag(status.lagSeconds)} ago.`));
  }
  const replica = replicaLine(status.replica);
  if (replica) list.append(item(replica));
  const inRange = (from, to) => Date.parse(from) < toMs && Date.parse(to) > fromMs;
  const gaps = (status.gaps?.latest ?? []).filter((g) => inRange(g.from, g.to));
  for (const g of gaps) {
    list.append(item(`Gap in the loaded data ${local(g.from, tz)} – ${local(g.to, tz)} (${hms(g.seconds)}): fill it with`, backfill(g.from, g.to, tz)));
  }
  const hours = (status.notLoadedHours ?? []).filter((h) => inRange(h.start, h.end));
  if (hours.length > 0) {
    const seconds = hours.reduce((n, h) => n + h.notLoadedSeconds, 0);
    list.append(
      item(
        `${hours.length} hour(s) in this range have Not Loaded time (${hms(seconds)}), from ${local(hours[0].start, tz)} to ${local(hours.at(-1).end, tz)}: load them with`,
        backfill(hours[0].start, hours.at(-1).end, tz),
      ),
    );
  }
  if (gaps.length === 0 && hours.length === 0 && status.horizon !== null) list.append(item('No gap in this range.'));
  box.replaceChildren(list);
  box.classList.toggle('warn', gaps.length > 0 || hours.length > 0 || status.replica?.replicating === false);
}
