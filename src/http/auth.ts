// Who may ask for a report: bearer tokens from REPORT_API_TOKENS, several at once so they
// can be rotated (full access), and tokens made with npm run tokens (full access or some
// teams: src/access/token-store.ts). Without any token the server only listens on loopback.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { FULL_SCOPE, type Scope } from '../access/scope.ts';
import type { TokenStore } from '../access/token-store.ts';

/** True for 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x or [::1]) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost') return true;
  if (h.startsWith('::ffff:') && isIPv4(h.slice(7))) h = h.slice(7);
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return /^(0{0,4}:){7}0{0,3}1$|^::1$|^(0{0,4}:){1,6}:0{0,3}1$/.test(h);
  return false;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '')?.[1];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export interface TokenCheck {
  /** True when no token is configured (loopback-only mode). */
  open: boolean;
  /** Whether an Authorization header value carries one of the tokens. */
  allows(authorization: string | undefined): boolean;
}

/**
 * Compares in constant time: every configured token is hashed once and each request's
 * token is hashed and compared with all of them (no early exit), so neither the length
 * nor the position of a match shows in the timing.
 */
export function tokenCheck(tokens: string[]): TokenCheck {
  const hashes = tokens.map(digest);
  return {
    open: hashes.length === 0,
    allows(authorization) {
      if (hashes.length === 0) return true;
      const token = bearerToken(authorization);
      const given = digest(token ?? '');
      let ok = false;
      for (const h of hashes) ok = timingSafeEqual(h, given) || ok;
      return ok && token !== undefined;
    },
  };
}

/**
 * Why the server must not start with this host and these tokens, or undefined if it may.
 * `dbTokens`: how many tokens of npm run tokens are usable (not revoked); they protect a
 * public host as REPORT_API_TOKENS do.
 */
export function refusalReason(host: string, tokens: string[], dbTokens = 0): string | undefined {
  if (tokens.length > 0 || dbTokens > 0 || isLoopbackHost(host)) return undefined;
  return (
    `HOST=${host} is reachable from other machines, but REPORT_API_TOKENS is empty (and the database holds no token of npm run tokens), so anyone there could read agent data. ` +
    'Set REPORT_API_TOKENS to one or more comma-separated secrets (clients send Authorization: Bearer <token>), or make one with npm run tokens -- add NAME, ' +
    'or set HOST=127.0.0.1 to serve this machine only.'
  );
}

/** Who a request is: a database token's name (null for REPORT_API_TOKENS or no token) and what it sees. */
export interface Access {
  name: string | null;
  scope: Scope;
  /** The token it was let in by, for per-client limits (a database token's name, a REPORT_API_TOKENS token's hash); undefined without one. */
  token?: string;
}

const OPEN: Access = { name: null, scope: FULL_SCOPE };

/**
 * The request's caller, from REPORT_API_TOKENS first, then the database's tokens.
 * A token is asked for unless the server is loopback-only with no token anywhere: no
 * REPORT_API_TOKENS and no row in api_tokens (a revoked one counts, so revoking the last
 * token does not open the server). A public host always asks.
 */
export class Auth {
  private readonly env: TokenCheck;

  constructor(
    tokens: string[],
    private readonly loopback: boolean,
    private readonly store: TokenStore,
  ) {
    this.env = tokenCheck(tokens);
  }

  /** Whether requests must carry a token. */
  async required(): Promise<boolean> {
    return !this.env.open || !this.loopback || (await this.store.any());
  }

  /** The caller, or null when the request must be refused (401). */
  async identify(authorization: string | undefined): Promise<Access | null> {
    if (!this.env.open && this.env.allows(authorization)) {
      return { ...OPEN, token: `REPORT_API_TOKENS#${digest(bearerToken(authorization) ?? '').toString('hex').slice(0, 12)}` };
    }
    if (!(await this.required())) return OPEN;
    const token = bearerToken(authorization);
    if (token === undefined) return null;
    const found = await this.store.match(token);
    return found ? { name: found.name, scope: found.scope, token: `npm run tokens: ${found.name}` } : null;
  }
}
