// Who sees what (rules §9), in one place: a caller's scope, and the agents and teams a
// request may read within it. Every endpoint that answers with agent data (the report,
// by=team, the timeline, live state, breaks, the page's lists) asks resolveAgents and
// filters by what it returns, so the rule is written once.
//
//   const sel = await resolveAgents(reader, { ext: ['4101'], team: ['North'] }, access.scope);
//   // sel.exts: the extensions to keep (undefined: every agent, full access only)
//   // sel.teams: the teams whose rows a by=team answer shows (undefined: every team)
//   ... WHERE a.ext IN (?)  with sel.exts, or no filter when undefined
//
// Errors are ScopeError with the HTTP status to answer (400 unknown team, 403 outside
// the scope) and a message that names only what the caller asked for: an extension or a
// team outside the scope is refused whether or not it exists, so the refusal tells
// nothing about other teams.
import { select, type Db } from '../db/query.ts';

/** Full access (REPORT_API_TOKENS, a token made without --team, no tokens on loopback), or some teams. */
export type Scope = { full: true } | { full: false; teams: readonly string[] };

export const FULL_SCOPE: Scope = { full: true };

/** A request's agents and teams, as asked (each undefined when not asked). */
export interface AgentAsk {
  ext?: readonly string[];
  team?: readonly string[];
}

export interface AgentSelection {
  /** The extensions to keep; undefined: every agent (only with full scope and neither ext nor team). */
  exts: string[] | undefined;
  /** The teams a by=team answer shows; undefined: every team. */
  teams: string[] | undefined;
}

/** A request refused for what it names; `status` is 400 (unknown team) or 403 (outside the scope). */
export class ScopeError extends Error {
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
  }
}

const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * The agents and teams a request may read: the teams asked (or the scope's, or all), their
 * members, intersected with the extensions asked. `reader` is the pool (or connection)
 * the answer itself reads from, so both see the same memberships.
 */
export async function resolveAgents(reader: Db, ask: AgentAsk, scope: Scope): Promise<AgentSelection> {
  let teams: string[] | undefined;
  if (ask.team !== undefined) {
    const asked = [...new Set(ask.team)];
    if (!scope.full) {
      const outside = asked.filter((t) => !scope.teams.includes(t));
      if (outside.length > 0) throw new ScopeError(403, `team ${list(outside)} is outside this token's scope: ask only for your teams (${list(scope.teams)})`);
    } else {
      const found = new Set((await select<{ name: string }>(reader, 'SELECT name FROM teams WHERE name IN (?)', [asked])).map((r) => r.name));
      const unknown = asked.filter((t) => !found.has(t));
      if (unknown.length > 0) throw new ScopeError(400, `no team is named ${list(unknown)}: check the name (names are compared exactly)`);
    }
    teams = asked;
  } else if (!scope.full) {
    teams = [...scope.teams];
  }

  if (teams === undefined) return { exts: ask.ext === undefined ? undefined : [...new Set(ask.ext)], teams: undefined };

  const inTeams = await membersOf(reader, teams);
  if (ask.ext === undefined) return { exts: [...inTeams], teams };
  const askedExts = [...new Set(ask.ext)];
  if (!scope.full) {
    // only the scope matters here, not the teams asked: an ext of another of the caller's
    // teams is simply not in the answer
    const mine = ask.team === undefined ? inTeams : await membersOf(reader, scope.teams);
    const outside = askedExts.filter((e) => !mine.has(e));
    if (outside.length > 0) throw new ScopeError(403, `ext ${list(outside)} is outside this token's scope (teams ${list(scope.teams)}): ask only for your teams' agents`);
  }
  return { exts: askedExts.filter((e) => inTeams.has(e)), teams };
}

/** The extensions in any of `teams`. */
async function membersOf(reader: Db, teams: readonly string[]): Promise<Set<string>> {
  if (teams.length === 0) return new Set();
  return new Set((await select<{ ext: string }>(reader, 'SELECT DISTINCT ext FROM team_members WHERE team IN (?)', [teams])).map((r) => r.ext));
}

/** The teams a caller may pick from: the scope's, or every team. */
export async function visibleTeams(reader: Db, scope: Scope): Promise<string[]> {
  if (!scope.full) return [...scope.teams];
  return (await select<{ name: string }>(reader, 'SELECT name FROM teams ORDER BY CAST(name AS BINARY)')).map((r) => r.name);
}
