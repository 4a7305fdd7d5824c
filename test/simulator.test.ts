import { describe, it, expect, afterAll } from 'vitest';
import { request } from 'undici';
import { World } from '../src/simulator/world.ts';
import { startSimulator } from '../src/simulator/server.ts';
import { cleanName } from '../src/names.ts';
import { referenceTotals } from './reference/model.ts';

const NOW = Date.UTC(2025, 8, 10) / 1000;
const DAY = 86400;
const world = (seed = 7, agents = 40) => new World({ agents, seed, now: () => NOW, days: 3 });
const STATE_EVENTS = new Set(['agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state']);

describe('simulated timelines', () => {
  it('are deterministic: the same seed gives the same feed, another seed another', () => {
    const a = world(7).timeline(NOW - DAY, NOW);
    expect(world(7).timeline(NOW - DAY, NOW)).toEqual(a);
    expect(world(8).timeline(NOW - DAY, NOW)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(1000);
  });

  it('serve any window consistently: a range equals its pieces, in order', () => {
    const w = world();
    const whole = w.events(NOW - DAY, NOW, 1e9).map((i) => `${i.day.agent.ext}/${i.event.ts}/${i.index}`);
    const cuts = [NOW - DAY, NOW - DAY + 1, NOW - 70000, NOW - 39999, NOW - 3601, NOW - 1, NOW];
    const pieces: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) pieces.push(...w.events(cuts[i]!, cuts[i + 1]!, 1e9).map((x) => `${x.day.agent.ext}/${x.event.ts}/${x.index}`));
    expect(pieces).toEqual(whole);
    // a fresh world (empty cache) computes the same
    expect(world().events(NOW - 40000, NOW - 30000, 1e9).map((x) => `${x.day.agent.ext}/${x.event.ts}/${x.index}`)).toEqual(
      whole.filter((k) => Number(k.split('/')[1]) >= NOW - 40000 && Number(k.split('/')[1]) < NOW - 30000),
    );
  });

  it('look like real agent days: about 130 state events a day, real reasons, both same-second orders, agent_reg noise, encoded names', () => {
    const w = world(7, 60);
    const days = [Math.floor(NOW / DAY) - 2, Math.floor(NOW / DAY) - 1];
    let stateEvents = 0;
    const reasons = new Set<string>();
    const kinds = new Set<string>();
    let idleOffFirst = 0;
    let idleOffSecond = 0;
    for (const agent of w.agents) {
      for (const d of days) {
        const ad = w.day(agent, d);
        const span = ad.events[ad.events.length - 1]!.ts - ad.events[0]!.ts;
        expect(span).toBeGreaterThan(8 * 3600);
        expect(span).toBeLessThan(11 * 3600);
        for (const [i, e] of ad.events.entries()) {
          kinds.add(e.event);
          if (STATE_EVENTS.has(e.event)) stateEvents++;
          if (e.event === 'agent_not_avail_state' && e.enabled) reasons.add(e.state);
          const next = ad.events[i + 1];
          if (next && next.ts === e.ts && e.event === 'agent_idle' && !e.enabled && next.event === 'agent_on_call') idleOffFirst++;
          if (next && next.ts === e.ts && next.event === 'agent_idle' && !next.enabled && e.event === 'agent_on_call') idleOffSecond++;
        }
      }
    }
    const perDay = stateEvents / (w.agents.length * days.length);
    expect(perDay).toBeGreaterThan(110);
    expect(perDay).toBeLessThan(160);
    for (const r of ['Login', 'lunch', 'Tea Break', 'Outbound ', 'ON Tickets', 'Team Meeting', 'Not Available', 'Logoff']) expect(reasons).toContain(r);
    expect([...reasons].some((r) => ['Prayer', 'Personal Work', 'System Issue', 'Coaching'].includes(r))).toBe(true);
    expect(kinds).toContain('agent_reg');
    expect([...kinds].some((k) => !STATE_EVENTS.has(k) && k !== 'agent_reg')).toBe(true);
    expect(idleOffFirst).toBeGreaterThan(10);
    expect(idleOffSecond).toBeGreaterThan(10);
    const names = w.agents.map((a) => a.username);
    expect(names.some((n) => /\+/.test(n))).toBe(true);
    expect(names.some((n) => /%0A$/.test(n))).toBe(true);
    expect(names.some((n) => /%[0-9A-F]{2}/.test(n) && !/%0A$/.test(n))).toBe(true);
    for (const n of names) expect(cleanName(n)).toMatch(/^\S.*\S$/u);
  });

  it('give stats that agree with the events under the reference model, for any range', () => {
    const w = world(11, 25);
    const timeline = w.timeline(NOW - 3 * DAY, NOW);
    const ranges: [number, number][] = [
      [NOW - DAY, NOW - DAY + 3600],
      [NOW - DAY + 7 * 3600 + 1234, NOW - DAY + 9 * 3600],
      [NOW - 2 * DAY, NOW],
      [NOW - 600, NOW + 3600],
    ];
    let compared = 0;
    for (const [from, to] of ranges) {
      const ref = referenceTotals(timeline, from, Math.min(to, NOW));
      const got = w.totals(from, to);
      for (const agent of w.agents) {
        const r = ref.get(agent.ext);
        const g = got.get(agent);
        const states = r?.states ?? new Map<string, number>();
        const expected = {
          idle: states.get('Idle') ?? 0,
          wrap: states.get('Wrap Up') ?? 0,
          hold: states.get('Hold') ?? 0,
          talk: states.get('Talk') ?? 0,
          reasons: Object.fromEntries([...(r?.reasons ?? new Map())].filter(([, s]) => s > 0)),
        };
        const actual = { idle: g?.idle ?? 0, wrap: g?.wrap ?? 0, hold: g?.hold ?? 0, talk: g?.talk ?? 0, reasons: Object.fromEntries(g?.reasons ?? new Map()) };
        expect(actual, `${agent.ext} [${from}, ${to})`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBe(100);
  });
});

describe('simulator HTTP API', async () => {
  const sim = await startSimulator({ agents: 30, seed: 3, now: () => NOW, days: 2, pageSize: 500, credentials: { tenant: 't', username: 'u', password: 'p' } });
  afterAll(() => sim.close());
  const get = async (path: string, headers: Record<string, string>) => {
    const r = await request(sim.url + path, { headers });
    return { status: r.statusCode, headers: r.headers, json: (await r.body.json()) as Record<string, unknown> };
  };
  const login = async (password = 'p') => {
    const r = await request(sim.url + '/api/v2/config/login/oauth', { method: 'POST', body: JSON.stringify({ domain: 't', username: 'u', password }), headers: { 'content-type': 'application/json' } });
    return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
  };

  it('logs in, and refuses wrong credentials, a missing token and a missing account id', async () => {
    expect((await login('wrong')).status).toBe(401);
    const ok = await login();
    expect(ok.status).toBe(200);
    const token = (ok.json.accessToken ?? ok.json.access_token) as string;
    expect(ok.json.expiresIn).toBe(3600);
    const path = `/api/v2/reports/callcenter/agents/stats?startDate=${NOW - 3600}&endDate=${NOW}`;
    expect((await get(path, {})).status).toBe(401);
    expect((await get(path, { authorization: `Bearer ${token}` })).status).toBe(400);
    expect((await get(path, { authorization: `Bearer ${token}`, 'x-account-id': 'a' })).status).toBe(200);
    expect((await get(`/api/v2/reports/callcenter/agents/stats?startDate=${NOW}&endDate=${NOW}`, { authorization: `Bearer ${token}`, 'x-account-id': 'a' })).status).toBe(400);
    expect((await get(`/api/v2/reports/callcenter/agents/stats?startDate=${NOW - 32 * DAY}&endDate=${NOW}`, { authorization: `Bearer ${token}`, 'x-account-id': 'a' })).status).toBe(400);
    sim.revokeTokens();
    expect((await get(path, { authorization: `Bearer ${token}`, 'x-account-id': 'a' })).status).toBe(401);
  });

  it('truncates events silently at the page size, sorted by Timestamp', async () => {
    const ok = await login();
    const h = { authorization: `Bearer ${(ok.json.accessToken ?? ok.json.access_token) as string}`, 'x-account-id': 'a' };
    const base = `/api/v2/reports/callcenter/agents/activity/events?startDate=${NOW - DAY}&endDate=${NOW}`;
    const full = (await get(base, h)).json.events as { Timestamp: number }[];
    expect(full).toHaveLength(500); // the server's default page size
    const small = (await get(base + '&pageSize=120', h)).json.events as { Timestamp: number }[];
    expect(small).toEqual(full.slice(0, 120));
    expect(((await get(base + '&pageSize=900', h)).json.events as unknown[]).slice(0, 500)).toEqual(full);
    const ts = full.map((e) => e.Timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(Object.keys(full[0]!)).toEqual(['event', 'enabled', 'user_id', 'ext', 'username', 'state', 'Timestamp']);
  });

  it('fails at the given rate, in every way', async () => {
    const faulty = await startSimulator({ agents: 5, seed: 3, now: () => NOW, days: 1, faultRate: 0.4, slowMs: 10, retryAfterSeconds: 2 });
    try {
      const statuses = new Map<string, number>();
      for (let i = 0; i < 150; i++) {
        let key: string;
        try {
          const r = await request(faulty.url + '/api/v2/config/login/oauth', { method: 'POST', body: '{"domain":"a","username":"b","password":"c"}', headers: { 'content-type': 'application/json' } });
          const text = await r.body.text();
          key = String(r.statusCode);
          if (r.statusCode === 429) expect(r.headers['retry-after']).toBe('2');
          if (r.statusCode === 200) JSON.parse(text);
        } catch {
          key = 'error';
        }
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
      const f = faulty.counters.faults;
      const total = f['429'] + f['500'] + f.slow + f.drop + f.cut;
      expect(total).toBeGreaterThan(35);
      expect(total).toBeLessThan(90);
      expect(statuses.get('429')).toBe(f['429']);
      expect(statuses.get('500')).toBe(f['500']);
      expect(statuses.get('error')).toBe(f.drop + f.cut);
      expect(Math.min(f['429'], f['500'], f.slow, f.drop, f.cut)).toBeGreaterThan(0);
    } finally {
      await faulty.close();
    }
  });
});
