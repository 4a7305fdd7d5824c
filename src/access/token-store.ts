// The server's side of the database tokens (rules §9): which token a request presents, and
// its scope. Every token's hash is held in memory and re-read from the database at most
// REFRESH_MS after the last read, so a token revoked (or made) with npm run tokens is
// refused (or accepted) by every server within a few seconds, without a query per
// request. A presented token is hashed and compared with every hash held, in constant
// time and with no early exit, so the timing tells nothing about which bytes matched.
//
// Reads go to the pool given as `reader` (the one that answers users); the last-use time
// is written through `writer`, at most once a minute per token and server, and a failed
// write is only logged (a read-only replica, say): it never refuses a request.
import { timingSafeEqual } from 'node:crypto';
import { select, type Db } from '../db/query.ts';
import { tokenHash } from './tokens.ts';
import type { Scope } from './scope.ts';

/** How old the held tokens may be before a request re-reads them (rules §9: refused within 5 s). */
export const REFRESH_MS = 2000;
const LAST_USE_EVERY_S = 60;

interface Held {
  name: string;
  hash: Buffer;
  scope: Scope;
  revoked: boolean;
}

export interface DbTokenMatch {
  name: string;
  scope: Scope;
}

export interface TokenStoreOptions {
  reader: Db;
  writer?: Db;
  refreshMs?: number;
  onWriteError?: (err: Error) => void;
}

export class TokenStore {
  private held: Held[] = [];
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private readonly lastUse = new Map<string, number>();

  constructor(private readonly opts: TokenStoreOptions) {}

  /** The tokens as the database holds them now, or at most refreshMs ago. */
  private async current(): Promise<Held[]> {
    if (Date.now() - this.readAt >= (this.opts.refreshMs ?? REFRESH_MS)) {
      this.reading ??= this.read().finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
    return this.held;
  }

  private async read(): Promise<void> {
    const started = Date.now();
    const rows = await select<{ name: string; token_sha256: Buffer; full_access: number; revoked_at: number | null; team: string | null }>(
      this.opts.reader,
      `SELECT t.name, t.token_sha256, t.full_access, t.revoked_at, s.team
       FROM api_tokens t LEFT JOIN api_token_teams s ON s.token_name = t.name
       ORDER BY t.name, CAST(s.team AS BINARY)`,
    );
    const byName = new Map<string, Held & { teams: string[] }>();
    for (const r of rows) {
      let h = byName.get(r.name);
      if (!h) {
        const teams: string[] = [];
        h = { name: r.name, hash: Buffer.from(r.token_sha256), revoked: r.revoked_at !== null, teams, scope: Number(r.full_access) === 1 ? { full: true } : { full: false, teams } };
        byName.set(r.name, h);
      }
      if (r.team !== null) h.teams.push(r.team);
    }
    this.held = [...byName.values()].map(({ name, hash, scope, revoked }) => ({ name, hash, scope, revoked }));
    this.readAt = started;
  }

  /** Whether the database holds any token, revoked ones included (revoking the last one must not open a server). */
  async any(): Promise<boolean> {
    return (await this.current()).length > 0;
  }

  /** How many tokens are not revoked. */
  async usable(): Promise<number> {
    return (await this.current()).filter((h) => !h.revoked).length;
  }

  /** The token that `token` is, unless unknown or revoked. */
  async match(token: string): Promise<DbTokenMatch | undefined> {
    const given = tokenHash(token);
    let found: Held | undefined;
    for (const h of await this.current()) {
      const same = timingSafeEqual(h.hash, given);
      if (same && !h.revoked) found = h;
    }
    if (found) this.recordUse(found.name);
    return found && { name: found.name, scope: found.scope };
  }

  private recordUse(name: string): void {
    const now = Math.floor(Date.now() / 1000);
    if (now - (this.lastUse.get(name) ?? -Infinity) < LAST_USE_EVERY_S) return;
    this.lastUse.set(name, now);
    const writer = this.opts.writer ?? this.opts.reader;
    writer
      .query('UPDATE api_tokens SET last_used_at = GREATEST(COALESCE(last_used_at, 0), ?) WHERE name = ?', [now, name])
      .catch((err: Error) => this.opts.onWriteError?.(err));
  }
}

/** Usable database tokens, for a start-up check before the server exists (0 when not migrated). */
export async function usableTokenCount(reader: Db): Promise<number> {
  try {
    const rows = await select<{ n: number }>(reader, 'SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL');
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  }
}
