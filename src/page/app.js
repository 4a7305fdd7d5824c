// The report page: sign-in, choices (kept in the URL), then the data status, the chart,
// the table and an agent's timeline, all from the JSON/CSV API with the token.
import { AuthError, getConfig, getReportCsv, getReportRows, getStatus, getTimeline, session } from './api.js';
import { drawChart } from './report-chart.js';
import { drawStatus } from './status.js';
import { drawTable } from './table.js';
import { drawTimeline, focusTimeline } from './timeline.js';
import { choicesQuery, fullTime, readChoices, reportQuery } from './state.js';
import { zonedInstant } from './format.js';
import { drawTeamPicker, drawWhoami, getWhoami, pickedTeams, viewColumns } from './teams.js';

const $ = (id) => document.getElementById(id);
let config;
let choices;
let agents = []; // [{ ext, name }] of the chosen range
let who = { name: null, access: 'full', teams: [] }; // the signed-in token (GET /api/whoami)
// The agent list comes from the range's report summed per agent.
const AGENT_LIST_INTERVAL = 'total';

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

/** Every failure of a data call: a refused token goes back to sign-in, others are shown. */
function failed(err) {
  if (err instanceof AuthError) showSignIn('Your token is no longer accepted: sign in again.');
  else say(err.message, true);
}

function fillControls() {
  for (const id of ['startDate', 'endDate', 'interval', 'by', 'durations', 'line']) $(id).value = choices[id];
  $('startTime').value = choices.startTime;
  $('endTime').value = choices.endTime;
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
    ext: [...$('agent-list').querySelectorAll('input:checked')].map((i) => i.value),
  };
}

function remember() {
  history.replaceState(null, '', `/?${choicesQuery(choices)}`);
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
  const n = choices.ext.length;
  $('agent-count').textContent = n === 0 ? '(all)' : `(${n} selected)`;
}

function rangeMs() {
  return [zonedInstant(choices.startDate, choices.startTime, config.timeZone), zonedInstant(choices.endDate, choices.endTime, config.timeZone)];
}

async function openTimeline(ext, date, { focus = false } = {}) {
  choices = { ...choices, timeline: ext, timelineDate: date };
  remember();
  try {
    drawTimeline($('timeline'), await getTimeline(ext, date), $('tooltip'));
    if (focus) focusTimeline($('timeline'));
  } catch (err) {
    failed(err);
  }
}

async function show() {
  remember();
  say('Loading…');
  document.body.dataset.busy = 'true';
  try {
    const [all, status] = await Promise.all([getReportRows(reportQuery({ ...choices, by: 'agent', interval: AGENT_LIST_INTERVAL }, { withExt: false })), getStatus()]);
    agents = all.map((r) => ({ ext: r.ext, name: r.name }));
    drawAgents();
    const rows = choices.ext.length === 0 ? await getReportRows(reportQuery(choices, { withExt: false })) : await getReportRows(reportQuery(choices));
    drawStatus($('status'), status, config.timeZone, rangeMs());
    drawChart($('chart'), rows, choices);
    const byTeam = choices.by === 'team';
    drawTable($('table'), rows, {
      durations: choices.durations,
      columns: viewColumns(choices.by),
      onOpen: (r) => (byTeam ? undefined : openTimeline(r.ext, r.start_time.slice(0, 10), { focus: true })),
    });
    say(rows.length === 0 ? 'No rows in this range.' : `${rows.length} row(s).`);
    if (choices.timeline && choices.timelineDate) await openTimeline(choices.timeline, choices.timelineDate);
  } catch (err) {
    failed(err);
  } finally {
    delete document.body.dataset.busy;
  }
}

async function download() {
  choices = readControls();
  remember();
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
  void showWho().then(show);
}

/** The token's name and scope, and the team picker of its teams. */
async function showWho() {
  try {
    who = await getWhoami();
  } catch (err) {
    failed(err);
    return;
  }
  drawWhoami($('whoami'), who, config.tokenRequired);
  choices = { ...choices, team: choices.team.filter((t) => who.teams.includes(t)) };
  drawTeamPicker($('team-box'), $('team-list'), who.teams, choices.team);
}

async function main() {
  config = await getConfig();
  for (const el of document.querySelectorAll('.tz')) el.textContent = config.timeZone;
  $('zone').textContent = `times in ${config.timeZone}`;
  choices = readChoices(location.search, config.today);

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
    choices = readControls();
    void show();
  });
  $('agent-search').addEventListener('input', filterAgents);
  $('agent-list').addEventListener('change', () => {
    choices = { ...choices, ext: readControls().ext };
    filterAgents();
  });
  $('agent-clear').addEventListener('click', () => {
    for (const box of $('agent-list').querySelectorAll('input')) box.checked = false;
    choices = { ...choices, ext: [] };
    filterAgents();
  });
  $('download').addEventListener('click', download);

  if (config.tokenRequired && !session.token) showSignIn();
  else start();
}

main().catch((err) => say(`The page could not start: ${err.message}`, true));
