// The report page: sign-in, choices (kept in the URL, applied as they change), then the
// data status, the chart, the table and an agent's timeline, all from the JSON/CSV API
// with the token. A refused range or a failed call replaces the result with words.
import { AuthError, getConfig, getIntervals, getReportCsv, getReportRows, getStatus, getTimeline, session } from './api.js';
import { drawChart } from './report-chart.js';
import { drawStatus, emptyRangeWords } from './status.js';
import { createTable } from './table.js';
import { chartInterval, headOfRange, planPages, restOfPage } from './pages.js';
import { drawTimeline, drawTimelineProblem, focusTimeline } from './timeline.js';
import { choicesQuery, fullTime, rangeProblem, readChoicesWithNotes, reportQuery } from './state.js';
import { totals } from './format.js';
import { drawTeamPicker, drawWhoami, getWhoami, pickedTeams, viewColumns } from './teams.js';

const $ = (id) => document.getElementById(id);
let config;
let choices;
let shownChoices = null; // the last choices whose result is on screen (and in the URL)
let agents = []; // [{ ext, name }] of the chosen range
let table;
let pages = [];
let pageIndex = 0;
let generation = 0;
let inFlight = null;
let pendingApply = null;
let who = { name: null, access: 'full', teams: [] }; // the signed-in token (GET /api/whoami)
// The agent list comes from the range's report summed per agent.
const AGENT_LIST_INTERVAL = 'total';
const APPLY_DELAY_MS = 400;

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').classList.toggle('error', isError);
}

function showSignIn(message = '') {
  session.token = null;
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('whoami').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').value = '';
  $('token').focus();
}

/** Empties every part of the result, so nothing of an earlier range stays on screen. */
function clearResult() {
  $('result').hidden = true;
  $('timeline').hidden = true;
  table.clear();
}

/** Every failure of a data call: a refused token goes back to sign-in, others replace the result. */
function failed(err) {
  if (err.name === 'AbortError') return;
  if (err instanceof AuthError) {
    showSignIn('Your token is no longer accepted: sign in again.');
    return;
  }
  clearResult();
  say(`The report could not be shown: ${err.message}`, true);
  restoreUrl();
}

function fillControls() {
  for (const id of ['startDate', 'endDate', 'interval', 'by', 'durations', 'line']) $(id).value = choices[id];
  $('startTime').value = choices.startTime;
  $('endTime').value = choices.endTime;
  $('offline').checked = choices.offline;
}

function readControls() {
  return {
    ...choices,
    startDate: $('startDate').value,
    startTime: fullTime($('startTime').value),
    endDate: $('endDate').value,
    endTime: fullTime($('endTime').value),
    interval: $('interval').value,
    by: $('by').value,
    team: pickedTeams($('team-list')),
    durations: $('durations').value,
    line: $('line').value,
    offline: $('offline').checked,
    ext: [...$('agent-list').querySelectorAll('input:checked')].map((i) => i.value),
  };
}

function remember() {
  history.replaceState(null, '', `/?${choicesQuery(choices)}`);
}

/** The URL goes back to the last range shown, or to the bare page: a refused range is never kept. */
function restoreUrl() {
  history.replaceState(null, '', shownChoices ? `/?${choicesQuery(shownChoices)}` : '/');
}

function drawAgents() {
  const list = $('agent-list');
  const known = new Map(agents.map((a) => [a.ext, a]));
  for (const ext of choices.ext) if (!known.has(ext)) known.set(ext, { ext, name: '' });
  list.replaceChildren(
    ...[...known.values()].map((a) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = a.ext;
      box.checked = choices.ext.includes(a.ext);
      label.dataset.search = `${a.ext} ${a.name}`.toLowerCase();
      label.append(box, ` ${a.ext} ${a.name}`);
      return label;
    }),
  );
  filterAgents();
}

function filterAgents() {
  const q = $('agent-search').value.trim().toLowerCase();
  for (const label of $('agent-list').children) label.hidden = q !== '' && !label.dataset.search.includes(q) && !label.querySelector('input').checked;
  const n = readControls().ext.length;
  $('agent-count').textContent = n === 0 ? '(all)' : `(${n} selected)`;
}

let timelineRun = 0;

function keepTimeline(ext, date) {
  choices = { ...choices, timeline: ext, timelineDate: date };
  if (shownChoices) shownChoices = { ...shownChoices, timeline: ext, timelineDate: date };
  remember();
}

/** Reads and draws an agent's day; a refusal or failure replaces the timeline with its reason. */
async function openTimeline(ext, date, { focus = false } = {}) {
  const run = ++timelineRun;
  keepTimeline(ext, date);
  try {
    const t = await getTimeline(ext, date);
    if (run !== timelineRun) return;
    drawTimeline($('timeline'), t, $('tooltip'));
  } catch (err) {
    if (run !== timelineRun || err.name === 'AbortError') return;
    if (err instanceof AuthError) {
      failed(err);
      return;
    }
    drawTimelineProblem($('timeline'), ext, date, err.message);
    keepTimeline(null, null);
  }
  if (focus) focusTimeline($('timeline'));
}

function drawEmptyWords(answer) {
  const { text, command } = emptyRangeWords(answer, config.timeZone);
  const note = $('chart-note');
  note.replaceChildren(text);
  if (command) {
    const code = document.createElement('code');
    code.textContent = command;
    note.append(' ', code);
  }
  note.hidden = text === '';
}

const GRAIN_WORDS = { '15m': 'quarter hours', '30m': 'half hours', '1h': 'hours', day: 'days', week: 'weeks' };

/** Says when the chart is drawn by longer intervals than the table's. */
function drawChartGrain(grain, count) {
  const note = $('chart-grain');
  note.hidden = grain === choices.interval;
  if (note.hidden) return;
  note.textContent = `Drawn by ${GRAIN_WORDS[grain].slice(0, -1)}: the range's ${count.toLocaleString('en')} ${GRAIN_WORDS[choices.interval]} are too many bars to draw one each (the table has every one).`;
}

function drawPager() {
  const pager = $('pager');
  pager.hidden = pages.length <= 1;
  if (pages.length <= 1) return;
  const p = pages[pageIndex];
  const before = pages.slice(0, pageIndex).reduce((n, x) => n + x.rows, 0);
  const all = pages.reduce((n, x) => n + x.rows, 0);
  $('page-text').textContent = `Rows ${(before + 1).toLocaleString('en')}–${(before + p.rows).toLocaleString('en')} of ${all.toLocaleString('en')}: ${p.from.slice(0, 16).replace('T', ' ')} to ${p.to.slice(0, 16).replace('T', ' ')} (page ${pageIndex + 1} of ${pages.length}; sorting applies to this page, the totals to the whole range)`;
  $('page-prev').disabled = pageIndex === 0;
  $('page-next').disabled = pageIndex === pages.length - 1;
}

/** Puts rows in the table (and the totals row, when known). */
function showRows(rows, sums, keepScroll = false) {
  const columns = viewColumns(choices.by);
  // a team row sums its members (an agent of two teams counts in both): its totals are the team rows' own
  table.setRows(rows, { durations: choices.durations, columns, totals: choices.by === 'team' ? totals(rows, columns) : sums, keepScroll });
  shownRows = rows.length;
}

async function showPage(index, run, signal, sums, head = null) {
  pageIndex = index;
  const rest = head && restOfPage(pages[index], head.range);
  const rows = head ? head.rows.concat(rest ? await getReportRows(reportQuery({ ...choices, ...rest }), signal) : []) : await getReportRows(reportQuery({ ...choices, ...pages[index] }), signal);
  if (run !== generation) return;
  showRows(rows, sums, head !== null);
  drawPager();
}

/** Dims the parts of the result that still show an earlier answer. */
function stale(on, ...ids) {
  for (const id of ids) $(id).classList.toggle('stale', on);
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The promise, with its rejection handled until someone awaits it. */
function later(promise) {
  promise.catch(() => {});
  return promise;
}

async function turnPage(step) {
  const run = ++generation;
  document.body.dataset.busy = 'true';
  try {
    await showPage(pageIndex + step, run, undefined, lastTotals);
  } catch (err) {
    failed(err);
  } finally {
    if (run === generation) delete document.body.dataset.busy;
  }
}

let lastTotals = null;
let shownRows = 0;

async function show() {
  const problem = rangeProblem(choices, config.maxDays);
  if (problem) {
    ++generation;
    inFlight?.abort();
    clearResult();
    say(problem, true);
    restoreUrl();
    answered();
    return;
  }
  const run = ++generation;
  inFlight?.abort();
  const abort = (inFlight = new AbortController());
  document.body.dataset.busy = 'true';
  stale(true, 'status', 'chart-box', 'table-box');
  say('Loading…');
  try {
    const q = reportQuery(choices);
    const statusAsked = later(getStatus(session.token, abort.signal));
    const answerAsked = later(getIntervals(q, abort.signal));
    const chartGrain = chartInterval(choices, choices.interval);
    const chartAsked = chartGrain === choices.interval ? answerAsked : later(getIntervals({ ...q, interval: chartGrain }, abort.signal));
    // the totals row of agent rows is SQL's own total of the range (figures from its sums)
    const wholeAsked = later(choices.by === 'team' || choices.interval === 'total' ? Promise.resolve(null) : getIntervals({ ...q, interval: 'total' }, abort.signal));
    // the first interval's rows are on screen before the range's intervals are counted and
    // paged (a month of a large centre takes seconds to count); team rows are one page
    const headRange = choices.by === 'team' ? null : headOfRange(choices, choices.interval);
    let head = null;
    if (headRange) {
      head = { range: headRange, rows: await getReportRows(reportQuery({ ...choices, ...headRange }), abort.signal) };
      if (run !== generation) return;
      if (head.rows.length > 0) {
        pages = [];
        showRows(head.rows, null);
        drawPager();
        $('result').hidden = false;
        table.refresh();
        stale(false, 'table-box');
      }
    }
    const answer = await answerAsked;
    if (run !== generation) return;
    // the agent list sums the whole range per agent: asked once the intervals are in (not to
    // slow them down), it fills in when it comes
    const agentsAsked = getReportRows(reportQuery({ ...choices, by: 'agent', interval: AGENT_LIST_INTERVAL }, { withExt: false }), abort.signal)
      .then((all) => {
        if (run !== generation) return;
        agents = all.map((r) => ({ ext: r.ext, name: r.name }));
        drawAgents();
      })
      .catch((err) => {
        if (run === generation) failed(err);
      });
    // team rows are few (teams × intervals): one page of them
    pages = choices.by === 'team' ? planPages(answer.intervals, choices, Infinity) : planPages(answer.intervals, choices);
    lastTotals = ((await wholeAsked) ?? answer).intervals[0] ?? null;
    if (run !== generation) return;
    await showPage(0, run, abort.signal, lastTotals, head);
    if (run !== generation) return;
    $('result').hidden = false;
    table.refresh();
    // the rows are on screen before the chart is drawn, in a task of its own (the tab stays responsive)
    await nextTask();
    const drawn = await chartAsked;
    if (run !== generation) return;
    drawChart($('chart'), drawn.intervals, { ...choices, interval: chartGrain });
    drawChartGrain(chartGrain, answer.intervals.length);
    drawEmptyWords(answer);
    shownChoices = choices;
    remember();
    const n = choices.by === 'team' ? shownRows : pages.reduce((s, p) => s + p.rows, 0);
    say(n === 0 ? 'No rows in this range.' : `${n.toLocaleString('en')} row(s).`);
    stale(false, 'chart-box', 'table-box');
    const status = await statusAsked;
    if (run !== generation) return;
    drawStatus($('status'), status, answer, config.timeZone);
    stale(false, 'status');
    await agentsAsked;
    if (run !== generation) return;
    if (choices.timeline && choices.timelineDate) await openTimeline(choices.timeline, choices.timelineDate);
  } catch (err) {
    if (run === generation) failed(err);
  } finally {
    if (run === generation) answered();
  }
}

/** Applies the controls now (a pending delayed apply is folded in). */
function applyNow() {
  clearTimeout(pendingApply);
  pendingApply = null;
  choices = readControls();
  return show();
}

/** Applies the controls shortly after the last change, so typing a date asks once. */
function applySoon() {
  stale(true, 'status', 'chart-box', 'table-box');
  document.body.dataset.busy = 'true';
  clearTimeout(pendingApply);
  pendingApply = setTimeout(() => void applyNow(), APPLY_DELAY_MS);
}

async function download() {
  // the file is what the screen shows: a change still waiting is applied first
  if (pendingApply !== null) await applyNow();
  const problem = rangeProblem(choices, config.maxDays);
  if (problem) {
    say(problem, true);
    return;
  }
  try {
    const q = reportQuery(choices);
    if (choices.durations === 'seconds') q.durations = 'seconds';
    const { blob, name } = await getReportCsv(q);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (err) {
    failed(err);
  }
}

function start() {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = !config.tokenRequired;
  fillControls();
  // busy from here, so nothing reads the page as shown before its first answer
  document.body.dataset.busy = 'true';
  void showWho().then((ok) => (ok ? show() : answered()));
}

/** One more apply has ended (shown, refused or failed): `data-answered` counts them. */
function answered() {
  document.body.dataset.answered = String(Number(document.body.dataset.answered ?? 0) + 1);
  delete document.body.dataset.busy;
}

/** The token's name and scope, and the team picker of its teams; false when it failed. */
async function showWho() {
  try {
    who = await getWhoami();
  } catch (err) {
    failed(err);
    return false;
  }
  drawWhoami($('whoami'), who, config.tokenRequired);
  choices = { ...choices, team: choices.team.filter((t) => who.teams.includes(t)) };
  drawTeamPicker($('team-box'), $('team-list'), who.teams, choices.team);
  return true;
}

async function main() {
  config = await getConfig();
  for (const el of document.querySelectorAll('.tz')) el.textContent = config.timeZone;
  $('zone').textContent = `times in ${config.timeZone}`;
  const read = readChoicesWithNotes(location.search, config.today);
  choices = read.choices;
  $('note').textContent = read.notes.join(' ');
  $('note').hidden = read.notes.length === 0;
  if (read.notes.length > 0) remember();
  // a team row has no timeline of its own
  table = createTable($('table-box'), $('table'), { onOpen: (r) => (r.ext === undefined ? undefined : openTimeline(r.ext, r.start_time.slice(0, 10), { focus: true })) });

  $('sign-in').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    try {
      await getStatus(token);
    } catch (err) {
      $('sign-in-error').textContent = err instanceof AuthError ? 'That token was refused: check it and try again.' : err.message;
      $('token').select();
      return;
    }
    session.token = token;
    start();
  });
  $('sign-out').addEventListener('click', () => showSignIn());
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void applyNow();
  });
  // every choice applies as it changes (the search box only filters the list)
  $('controls').addEventListener('change', (e) => {
    if (e.target.id !== 'agent-search') applySoon();
  });
  $('agent-search').addEventListener('input', filterAgents);
  $('agent-list').addEventListener('change', filterAgents);
  $('agent-clear').addEventListener('click', () => {
    for (const box of $('agent-list').querySelectorAll('input')) box.checked = false;
    filterAgents();
    applySoon();
  });
  $('download').addEventListener('click', download);
  $('page-prev').addEventListener('click', () => void turnPage(-1));
  $('page-next').addEventListener('click', () => void turnPage(1));

  if (config.tokenRequired && !session.token) showSignIn();
  else start();
}

main().catch((err) => say(`The page could not start: ${err.message}`, true));
