// Teams in the database (rules §9): `npm run teams -- import` replaces every team and
// membership in one transaction; `list` reads them back in the file's form and order.
import type { Pool } from 'mysql2/promise';
import { select, type Db } from '../db/query.ts';
import { extOrder } from '../db/ext-order.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Membership } from './team-csv.ts';

/** An import the database state forbids; nothing was changed. */
export class TeamImportRefused extends Error {}

/**
 * Replaces every team and membership with `memberships`, at once: a reader sees the old
 * teams or the new ones, never a mix. Teams kept by name keep their place in the tokens'
 * scopes. Refuses (TeamImportRefused, nothing changed) to drop a team that a token not
 * revoked is scoped to: that token would silently see less.
 */
export async function importTeams(pool: Pool, memberships: Membership[]): Promise<{ teams: number; memberships: number }> {
  const teams = [...new Set(memberships.map((m) => m.team))];
  const members = memberships.filter((m) => m.ext !== null).map((m) => [m.team, m.ext]);
  return withTransaction(pool, async (conn) => {
    // locks the tokens' scopes, so a token made meanwhile cannot name a team dropped here
    const held = await select<{ team: string; token_name: string }>(
      conn,
      `SELECT s.team, s.token_name FROM api_token_teams s JOIN api_tokens t ON t.name = s.token_name
       WHERE t.revoked_at IS NULL ORDER BY CAST(s.team AS BINARY), CAST(s.token_name AS BINARY) FOR UPDATE`,
    );
    const kept = new Set(teams);
    const lost = held.filter((h) => !kept.has(h.team));
    if (lost.length > 0) {
      const shown = lost.slice(0, 5).map((h) => `team ${JSON.stringify(h.team)} (token ${JSON.stringify(h.token_name)})`);
      throw new TeamImportRefused(
        `the file leaves out ${shown.join(', ')}${lost.length > 5 ? ` and ${lost.length - 5} more` : ''}, which a token is scoped to: ` +
          'keep the team in the file, or revoke the token first (npm run tokens -- revoke NAME); nothing was changed',
      );
    }
    await conn.query('DELETE FROM team_members');
    if (teams.length === 0) await conn.query('DELETE FROM teams');
    else await conn.query('DELETE FROM teams WHERE name NOT IN (?)', [teams]);
    if (teams.length > 0) await conn.query('INSERT IGNORE INTO teams (name) VALUES ?', [teams.map((t) => [t])]);
    if (members.length > 0) await conn.query('INSERT INTO team_members (team, ext) VALUES ?', [members]);
    return { teams: teams.length, memberships: members.length };
  });
}

/** Every membership (a team with none as one line with no ext), by team name, then ext as in the report. */
export async function listTeams(reader: Db): Promise<Membership[]> {
  const rows = await select<{ team: string; ext: string | null }>(
    reader,
    `SELECT t.name AS team, m.ext FROM teams t LEFT JOIN team_members m ON m.team = t.name
     ORDER BY CAST(t.name AS BINARY), m.ext IS NOT NULL, ${extOrder('m.ext')}`,
  );
  return rows.map((r) => ({ team: r.team, ext: r.ext }));
}
