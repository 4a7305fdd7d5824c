// What a team or token name may be (rules §9): 1-64 characters after trimming, no comma
// (the team parameter is a comma-separated list), no control character (U+0000-U+001F,
// U+007F-U+009F), compared exactly. The database's CHECK constraints hold the same rules.

/** Control characters as rules §5 names them for cleaned names. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX = 64;

/** One extension as the report takes it (letters, digits, '-', '_', '.'; 1-32). */
export const EXT = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * The trimmed name, or why it cannot be one, as a phrase that says what to fix
 * (`what` is "team" or "token").
 */
export function checkName(raw: string, what: 'team' | 'token'): { name: string } | { problem: string } {
  const name = raw.trim();
  const shown = JSON.stringify(raw.length > 70 ? raw.slice(0, 70) + '…' : raw);
  if (name === '') return { problem: `the ${what} name is empty: give 1-${MAX} characters` };
  if (CONTROL.test(name)) return { problem: `the ${what} name ${shown} has a control character (a tab, a line break...): remove it` };
  if (name.includes(',')) return { problem: `the ${what} name ${shown} has a comma: ${what} names cannot hold one` };
  if ([...name].length > MAX) return { problem: `the ${what} name ${shown} is longer than ${MAX} characters: shorten it` };
  return { name };
}

/** At most this many teams in one team= parameter. */
const MAX_TEAMS = 1000;

/**
 * The team parameter (`team=North,South`, API and CLI alike) as names, trimmed, each once;
 * or what to fix.
 */
export function teamParam(value: string): { teams: string[] } | { problem: string } {
  const teams: string[] = [];
  for (const raw of value.split(',')) {
    const c = checkName(raw, 'team');
    if ('problem' in c) return { problem: `team must be a comma-separated list of team names, e.g. team=North,South: ${c.problem}` };
    if (!teams.includes(c.name)) teams.push(c.name);
  }
  if (teams.length > MAX_TEAMS) return { problem: `team lists ${teams.length} teams; at most ${MAX_TEAMS}` };
  return { teams };
}
