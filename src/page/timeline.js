// One agent's day as a strip of state segments from GET /api/timeline (computed in SQL),
// coloured like the chart's groups; hovering or focusing a segment shows its state,
// reason, start and end. A list of the same segments follows for reading and copying.
// A tap picks the nearest segment within a finger's reach (on a phone most segments of a
// busy day are under 2 px wide). Before the retention cut the raw events are gone: that
// part is one 'Pruned' segment and is said in words.
import { OFFLINE_COLOR, groupOfState } from './columns.js';
import { hms, wallClock } from './format.js';

const clock = (iso) => iso.slice(11, 19);

function describe(s) {
  const reason = s.reason === null ? '' : ` (reason: "${s.reason}")`;
  return `${s.state}${reason}, ${clock(s.start)} to ${clock(s.end)}, ${hms(s.seconds)}`;
}

// a fingertip: a tap this close to a segment picks it
const REACH_PX = 12;

/** The segment element a tap at clientX picks: the nearest by its middle among those in reach. */
export function nearestSegment(strip, clientX) {
  let best = null;
  let bestDistance = Infinity;
  for (const seg of strip.children) {
    const box = seg.getBoundingClientRect();
    if (box.right < clientX - REACH_PX || box.left > clientX + REACH_PX) continue;
    const d = Math.abs((box.left + box.right) / 2 - clientX);
    if (d < bestDistance) {
      best = seg;
      bestDistance = d;
    }
  }
  return best;
}

function prunedWords(t) {
  const pruned = t.segments.filter((s) => s.state === 'Pruned');
  if (pruned.length === 0) return '';
  const end = pruned.at(-1).end;
  const all = pruned.length === t.segments.length;
  return all
    ? `The raw events of this day were deleted by the retention (RAW_RETENTION_DAYS, npm run prune), so its timeline cannot be drawn. The table's figures for it stay as they were.`
    : `The raw events before ${clock(end).slice(0, 5)} were deleted by the retention (RAW_RETENTION_DAYS, npm run prune): the timeline starts there, from the state kept at that moment. The table's figures stay as they were.`;
}

export function drawTimeline(section, t, tooltip) {
  section.querySelector('h2').textContent = `Timeline of ${t.ext}${t.name ? ` ${t.name}` : ''} on ${t.date}`;
  const strip = section.querySelector('.strip');
  const list = section.querySelector('.segments tbody');
  const note = section.querySelector('.timeline-note');
  note.textContent = prunedWords(t);
  note.hidden = note.textContent === '';
  strip.replaceChildren();
  list.replaceChildren();
  strip.onclick = (e) => {
    const seg = nearestSegment(strip, e.clientX);
    if (seg) seg.focus();
  };
  for (const s of t.segments) {
    const seg = document.createElement('div');
    seg.className = 'seg';
    seg.setAttribute('role', 'listitem');
    seg.tabIndex = 0;
    seg.dataset.state = s.state;
    seg.dataset.start = s.start;
    seg.dataset.end = s.end;
    if (s.reason !== null) seg.dataset.reason = s.reason;
    seg.setAttribute('aria-label', describe(s));
    seg.style.flexGrow = String(s.seconds);
    if (s.state === 'Not Loaded') seg.classList.add('hatched');
    else if (s.state === 'Pruned') seg.classList.add('pruned');
    else seg.style.backgroundColor = groupOfState(s.state)?.color ?? OFFLINE_COLOR;
    const show = () => {
      tooltip.replaceChildren();
      const title = document.createElement('strong');
      title.textContent = s.state;
      tooltip.append(title);
      for (const line of [s.reason !== null ? `reason: ${s.reason === '' ? '(none)' : s.reason}` : null, `${clock(s.start)} – ${clock(s.end)}`, hms(s.seconds)]) {
        if (line === null) continue;
        const div = document.createElement('div');
        div.textContent = line;
        tooltip.append(div);
      }
      const box = seg.getBoundingClientRect();
      const host = section.getBoundingClientRect();
      tooltip.hidden = false;
      const left = Math.min(Math.max(box.left + box.width / 2 - host.left - tooltip.offsetWidth / 2, 0), host.width - tooltip.offsetWidth);
      tooltip.style.left = `${left}px`;
      tooltip.style.top = `${box.bottom - host.top + 6}px`;
    };
    const hide = () => {
      tooltip.hidden = true;
    };
    seg.addEventListener('mouseenter', show);
    seg.addEventListener('focus', show);
    seg.addEventListener('mouseleave', hide);
    seg.addEventListener('blur', hide);
    strip.append(seg);

    const tr = document.createElement('tr');
    for (const text of [clock(s.start), clock(s.end), s.state, s.reason ?? '', hms(s.seconds)]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    list.append(tr);
  }
  // axis: the local clock at each quarter of the day (a DST day has 23 or 25 hours)
  const from = Date.parse(t.start);
  const to = Date.parse(t.end);
  section.querySelector('.axis').replaceChildren(
    ...[0, 0.25, 0.5, 0.75, 1].map((f) => {
      const span = document.createElement('span');
      span.textContent = f === 1 ? '24:00' : wallClock(from + f * (to - from), t.timeZone).time.slice(0, 5);
      return span;
    }),
  );
  section.hidden = false;
}

/**
 * A timeline that could not be read: nothing of the agent shown before stays, and the
 * section says why in the server's words.
 */
export function drawTimelineProblem(section, ext, date, reason) {
  section.querySelector('h2').textContent = `Timeline of ${ext} on ${date}`;
  for (const part of ['.strip', '.segments tbody', '.axis']) section.querySelector(part).replaceChildren();
  section.querySelector('.tooltip').hidden = true;
  const note = section.querySelector('.timeline-note');
  note.textContent = `The timeline of ${ext} on ${date} could not be shown: ${reason}`;
  note.hidden = false;
  section.hidden = false;
}

/** Brings an opened timeline into view and moves the keyboard there. */
export function focusTimeline(section) {
  const title = section.querySelector('h2');
  title.tabIndex = -1;
  title.focus({ preventScroll: true });
  section.scrollIntoView({ block: 'nearest' });
}
