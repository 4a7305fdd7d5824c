// An HTTP server that speaks the upstream API of rules §2: login, events (silently
// truncated at pageSize), stats. Faults on demand: 429 with Retry-After, 500, slow
// responses, dropped connections, bodies cut short; tokens that expire or get revoked.
// Hostile modes for every call: `trickle` (headers, then a byte now and then), `silent`
// (never answers), `huge` (a body of many MB).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { World } from './world.ts';
import { eventsResponse, statsBody } from './payload.ts';
import { Rng } from './random.ts';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  agents: number;
  seed: number;
  /** Share of calls (login included) that fail in one of the ways of `FAULTS`. */
  faultRate?: number;
  /** Page size when a request names none (default 2000); a request's own pageSize is honoured. */
  pageSize?: number;
  /** Days of history: shifts start on the UTC days from (now - days) up to today; unlimited when undefined. */
  days?: number;
  /** The simulated clock in epoch seconds; nothing at or after it exists yet. Default: the real clock. */
  now?: () => number;
  /** Probability per agent-day of one malformed record (no ext, Timestamp "abc", enabled "maybe"). */
  malformedRate?: number;
  /** When set, login must send exactly these; otherwise any non-empty credentials pass. */
  credentials?: { tenant: string; username: string; password: string };
  /** When set, every data call must carry this x-account-id. */
  accountId?: string;
  /** expiresIn of the tokens issued (default 3600). */
  tokenTtlSeconds?: number;
  /** Retry-After of a 429, seconds (default 1). */
  retryAfterSeconds?: number;
  /** How long a "slow" fault waits before answering, ms (default 1500). */
  slowMs?: number;
  /** Added to every response, ms (default 0): a far-away upstream. */
  latencyMs?: number;
  /** A hostile mode for every call (default 'none'). */
  mode?: HostileMode;
  /** In 'trickle' mode, ms between bytes (default 1000). */
  trickleMs?: number;
  /** In 'huge' mode, the body's size in bytes (default 50 MB). */
  hugeBytes?: number;
}

/** trickle: 200 and headers at once, then one byte of the body per trickleMs; silent: never answers; huge: a body of hugeBytes. */
export type HostileMode = 'none' | 'trickle' | 'silent' | 'huge';

export type FaultKind = '429' | '500' | 'slow' | 'drop' | 'cut';
const FAULTS: readonly (readonly [FaultKind, number])[] = [
  ['429', 25],
  ['500', 25],
  ['slow', 20],
  ['drop', 15],
  ['cut', 15],
];

export interface SimulatorStats {
  requests: number;
  logins: number;
  events: number;
  stats: number;
  unauthorized: number;
  faults: Record<FaultKind, number>;
}

export interface SimulatorHandle {
  url: string;
  world: World;
  /** Well-formed events of [from, to) with their identities, in feed order (for the reference model). */
  timeline: World['timeline'];
  counters: SimulatorStats;
  /** Every token issued so far (tests check none reaches a log). */
  issuedTokens(): string[];
  /** Invalidates every token: the next data call gets a 401, as after an upstream restart. */
  revokeTokens(): void;
  /** While down, every call answers 503 (an outage). */
  setDown(down: boolean): void;
  setFaultRate(rate: number): void;
  setMode(mode: HostileMode): void;
  close(): Promise<void>;
}

const LOGIN = '/api/v2/config/login/oauth';
const EVENTS = '/api/v2/reports/callcenter/agents/activity/events';
const STATS = '/api/v2/reports/callcenter/agents/stats';
const MAX_RANGE = 31 * 86400;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function epochParam(url: URL, name: string): number {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d{1,12}$/.test(raw)) throw new HttpError(400, `${name} must be epoch seconds`);
  return Number(raw);
}

export async function startSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const clock = opts.now ?? (() => Date.now() / 1000);
  const world = new World({ agents: opts.agents, seed: opts.seed, now: clock, days: opts.days, malformedRate: opts.malformedRate });
  const pageSize = opts.pageSize ?? 2000;
  const ttl = opts.tokenTtlSeconds ?? 3600;
  let faultRate = opts.faultRate ?? 0;
  let down = false;
  let mode: HostileMode = opts.mode ?? 'none';
  const faultRng = new Rng(opts.seed ^ 0x5eed);
  const tokens = new Map<string, number>(); // token -> expiry (real clock, ms)
  const issued: string[] = [];
  const counters: SimulatorStats = { requests: 0, logins: 0, events: 0, stats: 0, unauthorized: 0, faults: { '429': 0, '500': 0, slow: 0, drop: 0, cut: 0 } };

  function authorize(req: IncomingMessage): void {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expiry = m ? tokens.get(m[1]!) : undefined;
    if (expiry === undefined || expiry < Date.now()) {
      counters.unauthorized++;
      throw new HttpError(401, 'invalid or expired token');
    }
    const account = req.headers['x-account-id'];
    if (typeof account !== 'string' || account === '') throw new HttpError(400, 'x-account-id header is required');
    if (opts.accountId !== undefined && account !== opts.accountId) throw new HttpError(403, 'unknown account');
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: { domain?: unknown; username?: unknown; password?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
    const { domain, username, password } = body;
    if (typeof domain !== 'string' || typeof username !== 'string' || typeof password !== 'string' || !domain || !username || !password) {
      throw new HttpError(400, 'domain, username and password are required');
    }
    const c = opts.credentials;
    if (c && (c.tenant !== domain || c.username !== username || c.password !== password)) throw new HttpError(401, 'bad credentials');
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + ttl * 1000);
    issued.push(token);
    counters.logins++;
    // both spellings exist upstream (rules §2)
    const key = counters.logins % 2 === 1 ? 'accessToken' : 'access_token';
    send(res, 200, JSON.stringify({ [key]: token, refreshToken: randomBytes(8).toString('hex'), expiresIn: ttl }));
  }

  function range(url: URL): [number, number] {
    const from = epochParam(url, 'startDate');
    const to = epochParam(url, 'endDate');
    if (to <= from) throw new HttpError(400, 'endDate must be after startDate');
    if (to - from > MAX_RANGE) throw new HttpError(400, 'a range may not exceed 31 days');
    return [from, to];
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === LOGIN) {
      if (req.method !== 'POST') throw new HttpError(405, 'POST only');
      return login(req, res);
    }
    if (url.pathname !== EVENTS && url.pathname !== STATS) throw new HttpError(404, 'not found');
    if (req.method !== 'GET') throw new HttpError(405, 'GET only');
    authorize(req);
    const [from, to] = range(url);
    if (url.pathname === EVENTS) {
      counters.events++;
      const asked = url.searchParams.get('pageSize');
      if (asked !== null && !/^[1-9]\d{0,6}$/.test(asked)) throw new HttpError(400, 'pageSize must be a positive integer');
      const limit = asked === null ? pageSize : Number(asked);
      return send(res, 200, eventsResponse(world, from, to, limit));
    }
    counters.stats++;
    return send(res, 200, statsBody(world.totals(from, to)));
  }

  /** Answers in the hostile mode; returns false when there is none. */
  function hostile(res: ServerResponse): boolean {
    if (mode === 'silent') return true; // the socket stays open, nothing is sent
    if (mode === 'trickle') {
      const body = '{"events":[]}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      let i = 0;
      const timer = setInterval(() => {
        res.write(body[i++]!);
        if (i === body.length) {
          clearInterval(timer);
          res.end();
        }
      }, opts.trickleMs ?? 1000);
      res.once('close', () => clearInterval(timer));
      return true;
    }
    if (mode === 'huge') {
      // streamed, so the simulator itself stays small: {"events":[ spaces ]}
      const size = opts.hugeBytes ?? 50 * 1024 * 1024;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      res.write('{"events":[');
      const more = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end(']}');
      };
      more();
      return true;
    }
    return false;
  }

  /** Applies a fault; returns true when the request is answered (or dropped) by it. */
  async function fault(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (hostile(res)) return true;
    if (down) {
      send(res, 503, '{"error":"service unavailable"}');
      return true;
    }
    if (faultRate <= 0 || !faultRng.chance(faultRate)) return false;
    const kind = faultRng.weighted(FAULTS);
    counters.faults[kind]++;
    switch (kind) {
      case '429':
        send(res, 429, '{"error":"too many requests"}', { 'retry-after': String(opts.retryAfterSeconds ?? 1) });
        return true;
      case '500':
        send(res, 500, '{"error":"internal error"}');
        return true;
      case 'slow':
        await new Promise((r) => setTimeout(r, opts.slowMs ?? 1500));
        return false;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'cut': {
        // headers promise a full body; half of it arrives, then the connection dies
        const body = url.pathname === LOGIN ? '{"accessToken":"x","expiresIn":3600}' : url.pathname === EVENTS ? '{"events":[{"event":"agent_idle","enabled":true}]}' : '{"1":{}}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.write(body.slice(0, Math.floor(body.length / 2)), () => req.socket.destroy());
        return true;
      }
    }
  }

  const server = createServer((req, res) => {
    counters.requests++;
    const url = new URL(req.url ?? '/', 'http://simulator');
    (async () => {
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      if (await fault(req, res, url)) return;
      await route(req, res, url);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof HttpError) send(res, err.status, JSON.stringify({ error: err.message }));
      else send(res, 500, JSON.stringify({ error: (err as Error).message }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    world,
    timeline: (from, to) => world.timeline(from, to),
    counters,
    issuedTokens: () => [...issued],
    revokeTokens: () => tokens.clear(),
    setDown: (d) => {
      down = d;
    },
    setFaultRate: (r) => {
      faultRate = r;
    },
    setMode: (m) => {
      mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
