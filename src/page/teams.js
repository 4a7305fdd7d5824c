// Teams on the page (rules §9): who is signed in and what the token sees (GET /api/whoami),
// a picker of the scope's teams, and the columns of a by=team view (Team and Agents in
// place of Ext and Name). The API does the scoping; the page only shows what it is given.
import { apiGet } from './api.js';
import { COLUMNS } from './columns.js';

/** The token's name, access (`full` or `teams`) and the teams it may pick. */
export async function getWhoami() {
  return (await apiGet('/api/whoami')).json();
}

/** `Signed in as sup-north: teams North, South` (or full access; nothing without a token). */
export function drawWhoami(el, who, tokenRequired) {
  const scope = who.access === 'full' ? 'every team' : who.teams.length === 0 ? 'no team' : `teams ${who.teams.join(', ')}`;
  const name = who.name === null ? (tokenRequired ? 'a REPORT_API_TOKENS token' : null) : who.name;
  el.textContent = name === null ? '' : `Signed in as ${name}: ${scope}`;
  el.hidden = name === null;
}

/** One box per team the caller may pick; `chosen` are ticked. None ticked means all of them. */
export function drawTeamPicker(box, list, teams, chosen) {
  box.hidden = teams.length === 0;
  list.replaceChildren(
    ...teams.map((t) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.value = t;
      input.checked = chosen.includes(t);
      label.append(input, ` ${t}`);
      return label;
    }),
  );
}

/** The ticked teams of the picker. */
export function pickedTeams(list) {
  return [...list.querySelectorAll('input:checked')].map((i) => i.value);
}

/** The table's columns for a view: by=team puts Team and Agents in columns 5 and 6. */
export function viewColumns(by) {
  if (by !== 'team') return COLUMNS;
  return COLUMNS.map((c) =>
    c.key === 'ext' ? { key: 'team', header: 'Team', kind: 'text' } : c.key === 'name' ? { key: 'agents', header: 'Agents', kind: 'text' } : c,
  );
}
