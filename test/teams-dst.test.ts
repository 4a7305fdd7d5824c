// by=team against an independent sum (rules §9): simulated agents collected over
// Europe/London's fall-back day (25 hours) through the real loader and transform, three
// overlapping teams; for every interval (15m ... total) each team row must equal the sums
// of its members' agent rows of that interval, computed here in TypeScript, with AHT,
// Answer Rate, Occupancy and Failed Calls from the sums, and Agents the number of member rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { clientFor, simulator } from './helpers/simulator.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';
import { runCollector } from '../src/collector/collector.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { importTeams } from '../src/access/teams.ts';
import { get, testConfig } from './helpers/report.ts';

const TZ = 'Europe/London';
const db = useTestDatabase('teams-dst', TZ);
/** 2025-10-27 00:00 UTC: the last 48 hours hold all of 2025-10-26, 25 hours long in London. */
const NOW = Date.UTC(2025, 9, 27) / 1000;
const RANGE = 'startDate=2025-10-25&endDate=2025-10-27';
const TEXT = new Set(['interval', 'date', 'start_time', 'end_time', 'ext', 'name', 'team', 'agents']);
const FROM_SUMS = new Set(['aht', 'answer_rate', 'occupancy', 'failed_calls']);

type Row = Record<string, string | number | null>;
let sim: SimulatorHandle;
let server: { url: string; close(): Promise<void> };
let teams: Map<string, string[]>;

const halfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));
const pct = (n: number, d: number) => (d > 0 ? Math.min(Math.floor((20000 * n + d) / (2 * d)), 10000) / 100 : null);

/** The team rows an independent sum of `agentRows` gives, in rules §9 order. */
function expectedTeamRows(agentRows: Row[], only?: string[]): Row[] {
  const out: Row[] = [];
  const names = [...teams.keys()].filter((t) => only === undefined || only.includes(t)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const starts = [...new Set(agentRows.map((r) => r.start_time as string))];
  for (const start of starts) {
    for (const team of names) {
      const members = agentRows.filter((r) => r.start_time === start && teams.get(team)!.includes(r.ext as string));
      if (members.length === 0) continue;
      const row: Row = {};
      for (const [k, v] of Object.entries(members[0]!)) {
        if (k === 'ext') row.team = team;
        else if (k === 'name') row.agents = members.length;
        else if (TEXT.has(k) || FROM_SUMS.has(k)) row[k] = v;
        else row[k] = members.reduce((s, m) => s + Number(m[k]), 0);
      }
      const handled = Number(row.talk_time) + Number(row.hold_time) + Number(row.wrap_up_time);
      const answered = Number(row.answered_calls);
      const offered = Number(row.total_calls);
      row.failed_calls = Math.max(offered - answered, 0);
      row.aht = answered > 0 ? halfUp(handled, answered) : 0;
      row.answer_rate = pct(answered, offered);
      row.occupancy = pct(handled, Number(row.available_time));
      out.push(row);
    }
  }
  return out;
}

async function json(query: string): Promise<Row[]> {
  const r = await get(`${server.url}/api/report?${query}&format=json`);
  expect(r.status, r.text).toBe(200);
  return r.json() as Row[];
}

beforeAll(async () => {
  sim = await simulator({ agents: 9, now: () => NOW });
  const upstream = clientFor(sim);
  try {
    const run = await runCollector({ pool: db().pool, upstream, log: silentLogger, reportTz: TZ, overlapMinutes: 30, clock: () => NOW * 1000 });
    expect(run.outcome, run.error).toBe('ok');
  } finally {
    await upstream.close();
  }
  server = await startHttpServer(testConfig(db().url, TZ), db().pool, silentLogger);
  const exts = (await json(`${RANGE}&interval=total`)).map((r) => r.ext as string);
  expect(exts.length).toBeGreaterThanOrEqual(6);
  teams = new Map([
    ['Alpha', exts.slice(0, 4)],
    ['Beta', exts.slice(2, 7)], // two agents in both Alpha and Beta
    ['gamma', [exts.at(-1)!, 'not-an-agent']],
  ]);
  await importTeams(db().pool, [...teams].flatMap(([team, members]) => members.map((ext) => ({ team, ext }))));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

describe('by=team equals the sums of its agents, on a 25-hour day', () => {
  for (const interval of ['15m', '30m', '1h', 'day', 'week', 'total']) {
    it(`interval=${interval}`, async () => {
      const agentRows = await json(`${RANGE}&interval=${interval}`);
      const teamRows = await json(`${RANGE}&interval=${interval}&by=team`);
      const expected = expectedTeamRows(agentRows);
      expect(teamRows.length).toBe(expected.length);
      expect(teamRows).toEqual(expected);
      if (interval === '1h') {
        // the 25-hour day's hours are all there: 26-Oct rows start at 25 distinct instants
        // among the agents; the team rows follow them
        const starts = (rows: Row[]) => new Set(rows.filter((r) => r.date === '26-Oct').map((r) => r.start_time));
        expect(starts(teamRows).size).toBeGreaterThan(0);
        for (const s of starts(teamRows)) expect(starts(agentRows).has(s)).toBe(true);
      }
      if (interval === 'day') {
        const day = teamRows.find((r) => r.team === 'Alpha' && r.date === '26-Oct')!;
        expect(Number(day.staffed_time) + Number(day.offline_time) + Number(day.not_loaded_time)).toBe(25 * 3600 * Number(day.agents));
      }
    });
  }

  it('with team and ext: only those teams, only the agents in both', async () => {
    const beta = teams.get('Beta')!;
    const ext = [beta[0]!, beta[3]!, teams.get('Alpha')![0]!];
    const agentRows = await json(`${RANGE}&interval=1h&ext=${ext.join(',')}`);
    const teamRows = await json(`${RANGE}&interval=1h&by=team&team=Beta&ext=${ext.join(',')}`);
    expect(teamRows.every((r) => r.team === 'Beta')).toBe(true);
    expect(teamRows).toEqual(expectedTeamRows(agentRows, ['Beta']));
    const agentOnly = await json(`${RANGE}&interval=1h&team=Beta&ext=${ext.join(',')}`);
    expect(new Set(agentOnly.map((r) => r.ext))).toEqual(new Set([beta[0], beta[3]]));
  });
});
