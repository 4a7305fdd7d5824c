// The Now view: GET /api/live as a board of agent tiles and counts per state, refreshed
// every 30 s in place (tiles are kept and updated by extension, so nothing flickers and
// the scroll position stays), a search and team filter, the day's breaks (each opens the
// agent's timeline on the report page), and a wallboard mode (?wallboard=1).
import { AuthError, apiGet, getConfig, getStatus } from './api.js';
import { hms } from './format.js';
import { getWhoami } from './teams.js';

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 30_000;
const DEFAULT_PERIOD_S = 600;
const GROUP = {
  Idle: 'idle', Talk: 'talk', Hold: 'hold', 'Wrap Up': 'wrap',
  Meeting: 'productive', Training: 'productive', Chat: 'productive', Tickets: 'productive', Outbound: 'productive',
  Lunch: 'non-productive', 'Tea/Coffee': 'non-productive', Bio: 'non-productive', 'Short Break': 'non-productive', 'Other NPT': 'non-productive',
  Login: 'login', Logoff: 'login', DND: 'login', Offline: 'offline',
};
const params = new URLSearchParams(location.search);
const wallboard = params.get('wallboard') === '1';
let config;
let periodS = DEFAULT_PERIOD_S;
let live = { agents: [], counts: {} };
const tiles = new Map(); // ext -> li

function say(text) {
  $('now-message').textContent = text;
}

/** The collector's period, from its last run and its next one (the page's only guess: 10 minutes without them). */
async function readPeriod() {
  try {
    const s = await getStatus();
    const last = s.lastCollectorRun?.start ? Date.parse(s.lastCollectorRun.start) : NaN;
    const next = s.nextCollectorRun ? Date.parse(s.nextCollectorRun) : NaN;
    if (next > last) periodS = Math.max(60, Math.round((next - last) / 1000 / 60) * 60);
  } catch {
    // keep the default
  }
}

function liveQuery() {
  const q = new URLSearchParams();
  const team = params.get('team');
  if (team) q.set('team', team);
  return q.size > 0 ? `?${q}` : '';
}

/** The team picker: the teams the token may see (GET /api/whoami); the choice is kept in the URL. */
async function drawTeams() {
  let who;
  try {
    who = await getWhoami();
  } catch {
    return;
  }
  const select = $('now-team');
  const chosen = params.get('team') ?? '';
  select.replaceChildren(new Option('All teams', ''), ...who.teams.map((t) => new Option(t, t, false, t === chosen)));
  $('now-team-field').hidden = who.teams.length === 0;
  select.addEventListener('change', () => {
    if (select.value) params.set('team', select.value);
    else params.delete('team');
    history.replaceState(null, '', `/now${params.size > 0 ? `?${params}` : ''}`);
    wallboardLink();
    void refresh();
  });
}

function wallboardLink() {
  const team = params.get('team');
  $('wallboard-link').href = `/now?${new URLSearchParams(team ? { wallboard: '1', team } : { wallboard: '1' })}`;
}

function tileFor(agent) {
  let li = tiles.get(agent.ext);
  if (!li) {
    li = document.createElement('li');
    li.className = 'tile';
    li.innerHTML = '<span class="name"></span><span class="ext"></span><span class="state"></span><span class="time"></span><span class="over-flag" hidden>⚠ over</span>';
    tiles.set(agent.ext, li);
  }
  const set = (sel, text) => {
    const el = li.querySelector(sel);
    if (el.textContent !== text) el.textContent = text;
  };
  set('.name', agent.name || agent.ext);
  set('.ext', agent.ext);
  set('.state', agent.reason && agent.reason !== agent.state ? `${agent.state}: ${agent.reason}` : agent.state);
  set('.time', hms(agent.seconds));
  li.dataset.group = GROUP[agent.state] ?? 'non-productive';
  li.dataset.search = `${agent.name} ${agent.ext}`.toLowerCase();
  li.classList.toggle('over', agent.over_limit);
  li.querySelector('.over-flag').hidden = !agent.over_limit;
  li.querySelector('.over-flag').textContent = agent.over_limit ? `⚠ over by ${hms(agent.seconds - agent.limit_seconds)}` : '';
  li.title = `${agent.name} (${agent.ext}): ${agent.state} since ${agent.since.slice(11, 19)}${agent.limit_seconds ? `, limit ${hms(agent.limit_seconds)}` : ''}`;
  return li;
}

function applySearch() {
  const q = $('now-search').value.trim().toLowerCase();
  let shown = 0;
  for (const li of tiles.values()) {
    li.hidden = q !== '' && !li.dataset.search.includes(q);
    if (!li.hidden) shown++;
  }
  $('board-count').textContent = `(${shown} of ${tiles.size})`;
}

function drawBoard() {
  const board = $('board');
  const seen = new Set();
  // in the API's order; existing tiles move only when the order changes
  let prev = null;
  for (const a of live.agents) {
    const li = tileFor(a);
    seen.add(a.ext);
    const want = prev ? prev.nextSibling : board.firstChild;
    if (want !== li) board.insertBefore(li, want);
    prev = li;
  }
  for (const [ext, li] of tiles) {
    if (!seen.has(ext)) {
      li.remove();
      tiles.delete(ext);
    }
  }
  const counts = $('counts');
  counts.replaceChildren(
    ...Object.entries(live.counts).map(([state, n]) => {
      const li = document.createElement('li');
      li.dataset.group = GROUP[state] ?? 'non-productive';
      li.textContent = `${state}: ${n}`;
      return li;
    }),
  );
  applySearch();
}

function drawStale() {
  const stale = live.age_seconds !== null && live.age_seconds > 2 * periodS;
  $('stale').hidden = !stale;
  $('stale').textContent = stale
    ? `Stale data: loaded up to ${live.as_of.slice(0, 19).replace('T', ' ')}, ${hms(live.age_seconds)} ago (more than two collector periods of ${periodS / 60} min).`
    : '';
  $('as-of').textContent = live.as_of ? `as of ${live.as_of.slice(11, 19)} ${config.timeZone}` : 'nothing loaded yet';
}

async function drawBreaks(signal) {
  if (wallboard) return;
  const q = new URLSearchParams({ startDate: config.today, format: 'json' });
  if (params.get('team')) q.set('team', params.get('team'));
  const res = await apiGet(`/api/breaks?${q}`, undefined, signal);
  const rows = await res.json();
  const body = $('breaks').tBodies[0];
  body.replaceChildren(
    ...rows.map((b) => {
      const tr = document.createElement('tr');
      const href = `/?${new URLSearchParams({ startDate: config.today, ext: b.ext, timeline: b.ext, timelineDate: config.today })}`;
      const cells = [
        [`${b.name || b.ext} (${b.ext})`, null],
        [b.category, null],
        [b.reason, null],
        [b.start.slice(11, 19), null],
        [b.end ? b.end.slice(11, 19) : 'running', null],
        [hms(b.duration), null],
        [b.limit === null ? '' : hms(b.limit), null],
        [b.over_limit ? `over by ${hms(b.over_limit)}` : '', b.over_limit ? 'over' : null],
      ];
      cells.forEach(([text, cls], i) => {
        const td = document.createElement('td');
        if (i === 0) {
          const a = document.createElement('a');
          a.href = href;
          a.textContent = text;
          td.append(a);
        } else td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      });
      tr.addEventListener('click', (e) => {
        if (e.target.tagName !== 'A') location.href = href;
      });
      return tr;
    }),
  );
}

// Each refresh supersedes the one before: its requests are cancelled, so a slow answer can
// neither pile up behind the next nor land after it (a team just chosen, say), and one that
// never comes is retried at the next tick.
let current = null;

async function refresh() {
  current?.abort();
  const mine = new AbortController();
  current = mine;
  try {
    live = await (await apiGet(`/api/live${liveQuery()}`, undefined, mine.signal)).json();
    drawBoard();
    drawStale();
    await drawBreaks(mine.signal);
    say('');
  } catch (err) {
    if (mine.signal.aborted) return; // a newer refresh says how it went
    if (err instanceof AuthError) say('Sign in on the report page first: this view uses the same token.');
    else say(`Could not refresh: ${err.message}`);
  }
}

async function start() {
  document.body.classList.toggle('wallboard', wallboard);
  config = await getConfig();
  wallboardLink();
  $('now-search').addEventListener('input', applySearch);
  $('now-controls').addEventListener('submit', (e) => e.preventDefault());
  await readPeriod();
  if (!wallboard) await drawTeams();
  // on the clock from the start, so a first answer that never comes is retried
  setInterval(refresh, REFRESH_MS);
  await refresh();
}

start();
