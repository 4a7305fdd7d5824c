// The timeline against the report on simulated days: for every agent, each 15-minute row
// of the report (format=json) equals the timeline's seconds per state inside that slot, and
// slots without a row are Offline or Not Loaded only. Loaded in two backfills with a gap,
// so a stretch starts inside the day and the state is carried in from the day before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { clientFor, configFor, simulator, SIM_NOW } from './helpers/simulator.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';
import { get, testConfig } from './helpers/report.ts';

const db = useTestDatabase('timeline-simulated', 'Asia/Dubai');
const DAY = 86400;
const DATE = '2025-09-09'; // Asia/Dubai: 2025-09-08T20:00Z to 2025-09-09T20:00Z
const GAP = { from: SIM_NOW - DAY - 3 * 3600, to: SIM_NOW - DAY - 2 * 3600 }; // 01:00-02:00 local on the 9th

const KEY_OF_STATE: Record<string, string> = {
  Idle: 'idle_time', Talk: 'talk_time', Hold: 'hold_time', 'Wrap Up': 'wrap_up_time',
  Login: 'login_time', Logoff: 'logoff_time', DND: 'dnd_time',
  Meeting: 'meeting_time', Training: 'training_time', Chat: 'chat_time', Tickets: 'tickets_time', Outbound: 'outbound_time',
  Lunch: 'lunch_time', 'Tea/Coffee': 'tea_coffee_break', Bio: 'bio_break', 'Short Break': 'short_break', 'Other NPT': 'other_npt',
  Offline: 'offline_time', 'Not Loaded': 'not_loaded_time',
};

let sim: SimulatorHandle;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  sim = await simulator({ agents: 8 });
  const upstream = clientFor(sim);
  try {
    for (const [fromTs, toTs] of [[SIM_NOW - 2 * DAY, GAP.from], [GAP.to, SIM_NOW]]) {
      const s = await runBackfill(configFor(db().url, 'Asia/Dubai', sim), db().pool, { fromTs: fromTs!, toTs: toTs!, concurrency: 2, log: silentLogger, upstream });
      expect(s.failed).toEqual([]);
    }
  } finally {
    await upstream.close();
  }
  server = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), db().pool, silentLogger);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

interface Seg { start: string; end: string; seconds: number; state: string }

describe('timeline and report agree to the second', () => {
  it("holds for every agent's 15-minute rows of a day with a gap", async () => {
    const agents = (await get(`${server.url}/api/report?startDate=${DATE}&interval=total&format=json`)).json() as { ext: string }[];
    expect(agents.length).toBeGreaterThan(4);
    let compared = 0;
    for (const { ext } of agents) {
      const t = (await get(`${server.url}/api/timeline?ext=${ext}&date=${DATE}`)).json() as { segments: Seg[] };
      const segs = t.segments.map((s) => ({ ...s, from: Date.parse(s.start) / 1000, to: Date.parse(s.end) / 1000 }));
      expect(segs.some((s) => s.state === 'Not Loaded' && s.from === GAP.from && s.to === GAP.to), ext).toBe(true);
      const rows = (await get(`${server.url}/api/report?startDate=${DATE}&interval=15m&format=json&ext=${ext}`)).json() as Record<string, number | string>[];
      const seen = new Set<number>();
      for (const r of rows) {
        const from = Date.parse(r.start_time as string) / 1000;
        const to = Date.parse(r.end_time as string) / 1000;
        seen.add(from);
        const got: Record<string, number> = Object.fromEntries(Object.values(KEY_OF_STATE).map((k) => [k, 0]));
        for (const s of segs) {
          const overlap = Math.min(s.to, to) - Math.max(s.from, from);
          if (overlap > 0) got[KEY_OF_STATE[s.state]!] = (got[KEY_OF_STATE[s.state]!] ?? 0) + overlap;
        }
        const want = Object.fromEntries(Object.values(KEY_OF_STATE).map((k) => [k, r[k]]));
        expect(got, `${ext} ${r.start_time}`).toEqual(want);
        compared++;
      }
      // a slot without a row holds no state but Offline and Not Loaded
      for (const s of segs) {
        if (s.state === 'Offline' || s.state === 'Not Loaded') continue;
        for (let slot = s.from - (s.from % 900); slot < s.to; slot += 900) expect(seen.has(slot), `${ext} ${s.state} at ${slot}`).toBe(true);
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
