// Who may ask for a report: bearer tokens from REPORT_API_TOKENS, several at
// once so they can be rotated. Without tokens the server only listens on loopback.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

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
      const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '');
      const given = digest(m?.[1] ?? '');
      let ok = false;
      for (const h of hashes) ok = timingSafeEqual(h, given) || ok;
      return ok && m !== null;
    },
  };
}

/** Why the server must not start with this host and these tokens, or undefined if it may. */
export function refusalReason(host: string, tokens: string[]): string | undefined {
  if (tokens.length > 0 || isLoopbackHost(host)) return undefined;
  return (
    `HOST=${host} is reachable from other machines, but REPORT_API_TOKENS is empty, so anyone there could read agent data. ` +
    'Set REPORT_API_TOKENS to one or more comma-separated secrets (clients send Authorization: Bearer <token>), ' +
    'or set HOST=127.0.0.1 to serve this machine only.'
  );
}
