import { describe, it, expect, afterAll } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Upstream } from '../src/upstream/client.ts';
import type { FetchLog, FetchLogEntry } from '../src/upstream/fetch-log.ts';
import { simulator, clientFor, SIM_NOW, PASSWORD, CREDENTIALS, ACCOUNT } from './helpers/simulator.ts';

const DAY = 86400;

function memoryFetchLog(): FetchLog & { entries: FetchLogEntry[] } {
  const entries: FetchLogEntry[] = [];
  return { entries, add: (e) => entries.push(e), flush: async () => {} };
}

const ids = (events: { ext: string; ts: number; seq: number; event: string; enabled: boolean }[]) => events.map((e) => `${e.ext}/${e.ts}/${e.seq}/${e.event}/${e.enabled}`);

/** A tiny upstream whose answers the test scripts, call by call. */
async function scripted(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/api/v2/config/login/oauth')) {
      req.resume();
      res.end(JSON.stringify({ access_token: 'tok-' + calls.length }));
      return;
    }
    handler(req, res, calls.filter((c) => !c.includes('login')).length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

const client = (url: string, pageSize = 100, extra: Partial<ConstructorParameters<typeof Upstream>[0]> = {}) =>
  new Upstream({ baseUrl: url, ...CREDENTIALS, accountId: ACCOUNT, pageSize, retry: { attempts: 5, startingDelayMs: 5, maxDelayMs: 20 }, ...extra });

describe('upstream client against the simulator', async () => {
  const sim = await simulator({ agents: 25 });
  afterAll(() => sim.close());

  it('splits full pages until nothing is lost or doubled: page size 50 gives what 100000 gives', async () => {
    const big = clientFor(sim, 100_000);
    const small = clientFor(sim, 50);
    const log = memoryFetchLog();
    try {
      const a = await big.fetchEvents(SIM_NOW - DAY, SIM_NOW, { fetchLog: memoryFetchLog() });
      const b = await small.fetchEvents(SIM_NOW - DAY, SIM_NOW, { fetchLog: log });
      expect(a.splits).toBe(0);
      expect(b.splits).toBeGreaterThan(50);
      expect(a.events.length).toBe(sim.timeline(SIM_NOW - DAY, SIM_NOW).length);
      expect(ids(b.events)).toEqual(ids(a.events));
      expect(b.events).toEqual(a.events);
      // every piece that was kept came back below the page size
      const kept = log.entries.filter((e) => e.endpoint === 'events' && e.rows !== null && e.rows < 50);
      expect(kept.reduce((n, e) => n + e.rows!, 0)).toBe(a.events.length);
      // and pieces meet at whole seconds, covering the window exactly once
      const spans = kept.map((e) => [e.fromTs!, e.toTs!]).sort((x, y) => x[0]! - y[0]!);
      expect(spans[0]![0]).toBe(SIM_NOW - DAY);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
      expect(spans[spans.length - 1]![1]).toBe(SIM_NOW);
    } finally {
      await big.close();
      await small.close();
    }
  });

  it('fails loudly, naming the window, when one second holds a full page', async () => {
    const tiny = clientFor(sim, 2);
    try {
      await expect(tiny.fetchEvents(SIM_NOW - DAY + 8 * 3600, SIM_NOW - DAY + 9 * 3600, { fetchLog: memoryFetchLog() })).rejects.toThrow(
        /the one second \[2025-09-0\dT\d\d:\d\d:\d\dZ, 2025-09-0\dT\d\d:\d\d:\d\dZ\) holds 2 events, API_PAGE_SIZE=2/,
      );
    } finally {
      await tiny.close();
    }
  });

  it('logs in once for many calls, and again once after a 401', async () => {
    const c = clientFor(sim, 500);
    const log = memoryFetchLog();
    try {
      const before = sim.counters.logins;
      for (let h = 0; h < 5; h++) await c.fetchStats(SIM_NOW - DAY + h * 3600, SIM_NOW - DAY + (h + 1) * 3600, { fetchLog: log });
      expect(sim.counters.logins - before).toBe(1);
      sim.revokeTokens();
      const r = await c.fetchEvents(SIM_NOW - 7200, SIM_NOW, { fetchLog: log });
      expect(r.events.length).toBeGreaterThan(0);
      expect(sim.counters.logins - before).toBe(2);
      expect(log.entries.filter((e) => e.status === 401).map((e) => e.error)).toEqual(['token refused (401): logging in again']);
      expect(log.entries.filter((e) => e.endpoint === 'login')).toHaveLength(2);
    } finally {
      await c.close();
    }
  });

  it('retries through 30% faults (429, 500, slow, dropped, cut short) and gets the same events', async () => {
    const clean = clientFor(sim, 300);
    const faulty = await simulator({ agents: 25, faultRate: 0.3, slowMs: 2500, retryAfterSeconds: 0 });
    const c = clientFor(faulty, 300, { headersTimeoutMs: 500 });
    const log = memoryFetchLog();
    try {
      const a = await clean.fetchEvents(SIM_NOW - DAY / 2, SIM_NOW, { fetchLog: memoryFetchLog() });
      const b = await c.fetchEvents(SIM_NOW - DAY / 2, SIM_NOW, { fetchLog: log });
      expect(b.events).toEqual(a.events);
      const f = faulty.counters.faults;
      expect(f['429'] + f['500'] + f.drop + f.cut + f.slow).toBeGreaterThan(5);
      const failedAttempts = log.entries.filter((e) => e.error !== null);
      expect(failedAttempts.length).toBeGreaterThan(5);
      expect(failedAttempts.some((e) => /HEADERS_TIMEOUT|timeout/i.test(e.error!)), JSON.stringify(failedAttempts)).toBe(f.slow > 0);
    } finally {
      await clean.close();
      await c.close();
      await faulty.close();
    }
  });

  it('never puts the password or a token into fetch_log', async () => {
    const c = clientFor(sim, 40);
    const log = memoryFetchLog();
    try {
      sim.revokeTokens();
      await c.fetchEvents(SIM_NOW - 3600, SIM_NOW, { fetchLog: log });
      await expect(c.fetchEvents(SIM_NOW - DAY, SIM_NOW, { fetchLog: log }).catch((e: Error) => Promise.reject(new Error(c.scrub(e.message))))).resolves.toBeDefined();
      const text = JSON.stringify(log.entries);
      expect(text).not.toContain(PASSWORD);
      for (const t of sim.issuedTokens()) expect(text).not.toContain(t);
    } finally {
      await c.close();
    }
  });
});

describe('upstream client against scripted answers', () => {
  it("honours a 429's Retry-After", async () => {
    const up = await scripted((_req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('{}');
      } else res.end('{"1": {"total_calls": 2}}');
    });
    const c = client(up.url);
    try {
      const started = Date.now();
      const r = await c.fetchStats(0, 3600, { fetchLog: memoryFetchLog() });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(r.stats.map((s) => [s.ext, s.totalCalls])).toEqual([['1', 2]]);
    } finally {
      await c.close();
      await up.close();
    }
  });

  it('sends the bearer token, Accept and x-account-id, and the range as epoch seconds', async () => {
    let seen: IncomingMessage | undefined;
    const up = await scripted((req, res) => {
      seen = req;
      res.end('{"events": []}');
    });
    const c = client(up.url, 2000);
    try {
      await c.fetchEvents(1757217600, 1757221200, { fetchLog: memoryFetchLog() });
      expect(seen!.headers.authorization).toBe('Bearer tok-1');
      expect(seen!.headers.accept).toBe('application/json');
      expect(seen!.headers['x-account-id']).toBe(ACCOUNT);
      expect(up.calls[1]).toBe('GET /api/v2/reports/callcenter/agents/activity/events?startDate=1757217600&endDate=1757221200&pageSize=2000');
    } finally {
      await c.close();
      await up.close();
    }
  });

  it('does not retry a 4xx other than 401/408/429, and gives up after the attempts', async () => {
    const up = await scripted((_req, res, n) => {
      res.writeHead(n === 1 ? 404 : 503);
      res.end('{"error":"x"}');
    });
    const c = client(up.url);
    const log = memoryFetchLog();
    try {
      await expect(c.fetchStats(0, 3600, { fetchLog: log })).rejects.toThrow(/HTTP 404/);
      expect(log.entries.filter((e) => e.endpoint === 'stats')).toHaveLength(1);
      await expect(c.fetchStats(0, 3600, { fetchLog: log })).rejects.toThrow(/HTTP 503/);
      expect(log.entries.filter((e) => e.endpoint === 'stats').map((e) => e.attempt)).toEqual([1, 1, 2, 3, 4, 5]);
    } finally {
      await c.close();
      await up.close();
    }
  });

  it('accepts millisecond timestamps and rejects events outside the asked window', async () => {
    const up = await scripted((_req, res) => {
      res.end(JSON.stringify({ events: [
        { event: 'agent_idle', enabled: 'true', ext: '1', Timestamp: 1757217600 },
        { event: 'agent_idle', enabled: 0, ext: '1', Timestamp: 1757217600999 },
        { event: 'agent_idle', enabled: true, ext: '1', Timestamp: 1757221200 },
      ] }));
    });
    const c = client(up.url);
    try {
      const r = await c.fetchEvents(1757217600, 1757221200, { fetchLog: memoryFetchLog() });
      expect(r.events.map((e) => [e.ts, e.seq, e.enabled, e.rawTimestamp])).toEqual([[1757217600, 0, true, 1757217600], [1757217600, 1, false, 1757217600999]]);
      expect(r.rejected.map((x) => x.reason)).toEqual(['Timestamp outside the requested window [1757217600, 1757221200)']);
    } finally {
      await c.close();
      await up.close();
    }
  });
});

describe("undici's parts, loaded without its index", () => {
  it('are the very Agent and request the index exports', async () => {
    const undici = await import('undici');
    const parts = await import('../src/upstream/undici.ts');
    expect(parts.Agent).toBe(undici.Agent);
    expect(parts.dispatcherRequest).toBe(undici.Dispatcher.prototype.request);
  });
});
