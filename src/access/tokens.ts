// Tokens kept in the database (rules §9), managed by `npm run tokens`: made from a CSPRNG,
// printed once, stored only as their SHA-256; scoped to teams or full access; revoked by
// name. The server's side (checking a presented token) is token-store.ts.
import { createHash, randomInt } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { select, type Db } from '../db/query.ts';
import { withTransaction } from '../db/transaction.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 43 characters of 62: about 256 bits, as much as the SHA-256 that keeps them. */
const TOKEN_CHARS = 43;
export const TOKEN_PREFIX = 'apr_';

/** A new token: `apr_` and 43 letters and digits, each drawn uniformly by the CSPRNG. */
export function newToken(): string {
  let s = TOKEN_PREFIX;
  for (let i = 0; i < TOKEN_CHARS; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** The SHA-256 a token is stored and looked up as. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** What an operator must fix; nothing was changed. */
export class TokenRefused extends Error {}

/** A token's name and scope: `teams` null for full access. */
export interface TokenInfo {
  name: string;
  teams: string[] | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/**
 * Creates a token named `name`, scoped to `teams` (null: full access), and returns it:
 * the only time it exists outside the caller's hands. An unknown team or a name in use
 * (revoked included) is refused.
 */
export async function addToken(pool: Pool, name: string, teams: string[] | null, now = Math.floor(Date.now() / 1000)): Promise<string> {
  const token = newToken();
  await withTransaction(pool, async (conn) => {
    if (teams !== null) {
      // locked, so an import cannot drop them before the scope is written
      const found = new Set((await select<{ name: string }>(conn, 'SELECT name FROM teams WHERE name IN (?) FOR UPDATE', [teams])).map((r) => r.name));
      const unknown = teams.filter((t) => !found.has(t));
      if (unknown.length > 0) {
        throw new TokenRefused(`no team is named ${unknown.map((t) => JSON.stringify(t)).join(', ')}: see npm run teams -- list (names are compared exactly); no token was made`);
      }
    }
    const taken = await select<{ revoked_at: number | null }>(conn, 'SELECT revoked_at FROM api_tokens WHERE name = ? FOR UPDATE', [name]);
    if (taken.length > 0) {
      throw new TokenRefused(`a token named ${JSON.stringify(name)} exists${taken[0]!.revoked_at !== null ? ' (revoked)' : ''}: choose another name; no token was made`);
    }
    await conn.query('INSERT INTO api_tokens (name, token_sha256, full_access, created_at) VALUES (?, ?, ?, ?)', [name, tokenHash(token), teams === null ? 1 : 0, now]);
    if (teams !== null && teams.length > 0) await conn.query('INSERT INTO api_token_teams (token_name, team) VALUES ?', [teams.map((t) => [name, t])]);
  });
  return token;
}

/** Every token (never the token itself), by name. */
export async function listTokens(reader: Db): Promise<TokenInfo[]> {
  const rows = await select<{ name: string; full_access: number; created_at: number; last_used_at: number | null; revoked_at: number | null; team: string | null }>(
    reader,
    `SELECT t.name, t.full_access, t.created_at, t.last_used_at, t.revoked_at, s.team
     FROM api_tokens t LEFT JOIN api_token_teams s ON s.token_name = t.name
     ORDER BY CAST(t.name AS BINARY), CAST(s.team AS BINARY)`,
  );
  const out = new Map<string, TokenInfo>();
  for (const r of rows) {
    let t = out.get(r.name);
    if (!t) {
      t = {
        name: r.name,
        teams: Number(r.full_access) === 1 ? null : [],
        createdAt: Number(r.created_at),
        lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
        revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
      };
      out.set(r.name, t);
    }
    if (r.team !== null && t.teams !== null) t.teams.push(r.team);
  }
  return [...out.values()];
}

/** Revokes the token named `name`; false when it was revoked already. */
export async function revokeToken(pool: Pool, name: string, now = Math.floor(Date.now() / 1000)): Promise<boolean> {
  const [res] = await pool.query('UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL', [now, name]);
  if ((res as { affectedRows: number }).affectedRows === 1) return true;
  const found = await select(pool, 'SELECT 1 FROM api_tokens WHERE name = ?', [name]);
  if (found.length === 0) throw new TokenRefused(`no token is named ${JSON.stringify(name)}: see npm run tokens -- list`);
  return false;
}
