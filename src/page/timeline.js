// One agent's day as a strip of state segments from GET /api/timeline (computed in SQL),
// coloured like the chart's groups; hovering or focusing a segment shows its state,
// reason, start and end. A list of the same segments follows for reading and copying.
import { OFFLINE_COLOR, groupOfState } from './columns.js';
import { hms, wallClock } from './format.js';

const clock = (iso) => iso.slice(11, 19);

function describe(s) {
  const reason = s.reason === null ? '' : ` (reason: "${s.reason}")`;
  return `${s.state}${reason}, ${clock(s.start)} to ${clock(s.end)}, ${hms(s.seconds)}`;
}

export function drawTimeline(section, t, tooltip) {
  section.querySelector('h2').textContent = `Timeline of ${t.ext}${t.name ? ` ${t.name}` : ''} on ${t.date}`;
  const strip = section.querySelector('.strip');
  const list = section.querySelector('.segments tbody');
  strip.replaceChildren();
  list.replaceChildren();
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

/** Brings an opened timeline into view and moves the keyboard there. */
export function focusTimeline(section) {
  const title = section.querySelector('h2');
  title.tabIndex = -1;
  title.focus({ preventScroll: true });
  section.scrollIntoView({ block: 'nearest' });
}
