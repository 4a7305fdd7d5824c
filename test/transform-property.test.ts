// Property test of the transform: many random timelines go through the SQL
// (sp_aggregate_*, vw_agent_segments) and through the TypeScript reference model in
// test/reference; both must agree to the second for every category. Timelines include
// same-second on/off pairs in both orders, agent_reg and unknown-type noise, states
// carried more than 6 hours, unknown and NULL reasons, a horizon inside the hours, loaded
// time in several stretches with gaps (each starting Offline), hours and 15-minute slots
// of Asia/Kolkata (+05:30), Asia/Kathmandu (+05:45) and Europe/London across both DST
// changes.
import { describe, it, expect } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase, type TestDatabase } from './helpers/database.ts';
import { referenceActivity, referenceSegments, stretchesOf, type RefEvent, type RefHour, type RefSegment, type RefStretch } from './reference/model.ts';
import { rng, int, pick, randomAgentTimeline, type Rng } from './reference/timelines.ts';
import { clearData, conservationViolations, hoursBetween, insertEvents, readActivity, readSlotActivity, setLoaded, withoutCalls } from './reference/sql.ts';

type Mode = 'epoch' | 'range' | 'hours';
// every entry point in turn: one span, day-sized spans, hour by hour
const MODES: readonly Mode[] = ['epoch', 'range', 'hours', 'epoch'];

interface Trial {
  seed: number;
  mode: Mode;
  from: number;
  to: number;
  horizon: number | null;
  /** Loaded windows (rules §3): one from the epoch to the horizon, or several with gaps. */
  windows: RefStretch[];
  events: RefEvent[];
}

/** A window of whole report hours around `around`, history before it, events after it. */
async function makeTrial(pool: Pool, seed: number, around: number, mode: Mode): Promise<Trial> {
  const r = rng(seed);
  const [h] = (await pool.query('SELECT hour_start FROM report_hours WHERE hour_start <= ? ORDER BY hour_start DESC LIMIT 1', [
    around - int(r, 0, 20) * 3600,
  ])) as unknown as [{ hour_start: number }[]];
  const from = Number(h[0]!.hour_start);
  const hours = await hoursBetween(pool, from, from + int(r, 20, 40) * 3600);
  const to = hours[hours.length - 1]!.hourEnd;
  const agents = int(r, 6, 14);
  const events: RefEvent[] = [];
  for (let a = 0; a < agents; a++) {
    // history well before the window (carried in), and events past the horizon
    events.push(...randomAgentTimeline(r, String(3000 + a), from - int(r, 1, 30) * 3600, to + 7200));
  }
  const x = r();
  const horizon = x < 0.08 ? null : x < 0.5 ? int(r, from, to) : x < 0.6 ? int(r, from - 7200, from) : to + int(r, 0, 3600);
  let windows: RefStretch[] = horizon === null ? [] : [{ from: 0, to: horizon }];
  if (r() < 0.5) {
    // Several loaded windows with gaps between them, in and before the aggregated hours,
    // starting and ending anywhere (a backfill of an old range, a failed window, an outage);
    // some overlap or touch and join.
    windows = [];
    let at = from - int(r, 0, 12) * 3600 - int(r, 0, 3599);
    for (let n = int(r, 2, 5); n > 0; n--) {
      const len = int(r, 600, 12 * 3600);
      windows.push({ from: at, to: at + len });
      at += len + (r() < 0.25 ? -int(r, 0, 300) : int(r, 1, 8 * 3600));
    }
  }
  const loadedTo = windows.length === 0 ? null : Math.max(...windows.map((w) => w.to));
  return { seed, mode, from, to, horizon: loadedTo, windows, events };
}

/**
 * Runs the trial's entry point; returns the report hours it (re)computed. `piece` sets the
 * agent-hours per piece of sp_aggregate_between, so that small trials also run as several
 * groups of agents (NULL: the default, runs of 24 hours of all agents).
 */
async function aggregate(pool: Pool, t: Trial, r: Rng, piece: number | null): Promise<RefHour[]> {
  const conn = await pool.getConnection();
  try {
    await conn.query('SET @apr_agent_hours_per_piece = ?', [piece]);
    if (t.mode === 'epoch') {
      await conn.query('CALL sp_aggregate_epoch_range(?, ?)', [t.from, t.to]);
      return await hoursBetween(pool, t.from, t.to);
    }
    const [rows] = await conn.query('SELECT DISTINCT local_start FROM report_hours WHERE hour_start >= ? AND hour_start < ? ORDER BY local_start', [
      t.from,
      t.to,
    ]);
    const locals = (rows as { local_start: string }[]).map((x) => x.local_start);
    if (t.mode === 'range') {
      // local bounds: every hour whose local start is in [first, last + 1 hour)
      await conn.query('CALL sp_aggregate_range(?, DATE_ADD(?, INTERVAL 1 HOUR))', [locals[0], locals[locals.length - 1]]);
    } else {
      // hour by hour, in random order: each carries its state in on its own
      for (const l of [...locals].sort(() => r() - 0.5)) await conn.query('CALL sp_aggregate_hour(?)', [l]);
    }
    // A local start on a fall-back day names two hours; both are computed.
    const [hours] = await conn.query('SELECT hour_start, hour_end FROM report_hours WHERE local_start IN (?) ORDER BY hour_start', [locals]);
    return (hours as { hour_start: number; hour_end: number }[]).map((h) => ({ hourStart: Number(h.hour_start), hourEnd: Number(h.hour_end) }));
  } finally {
    conn.release();
  }
}

/** Non-Offline stretches, adjacent equal ones merged, cut at the horizon. */
function comparable(segments: RefSegment[], horizon: number | null): RefSegment[] {
  const out: RefSegment[] = [];
  if (horizon === null) return out;
  for (const s of [...segments].sort((a, b) => (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : a.from - b.from))) {
    if (s.state === 'Offline' || s.from >= horizon) continue;
    const seg = { ...s, to: Math.min(s.to, horizon) };
    const last = out[out.length - 1];
    if (last && last.ext === seg.ext && last.to === seg.from && last.state === seg.state && last.reason === seg.reason) last.to = seg.to;
    else out.push(seg);
  }
  return out;
}

async function viewSegments(pool: Pool): Promise<RefSegment[]> {
  const [rows] = await pool.query('SELECT ext, seg_from, seg_to, state, reason FROM vw_agent_segments');
  return (rows as { ext: string; seg_from: number; seg_to: number; state: string; reason: string | null }[]).map((s) => ({
    ext: s.ext,
    from: Number(s.seg_from),
    to: Number(s.seg_to),
    state: s.state,
    reason: s.reason,
  }));
}

async function runTrials(db: () => TestDatabase, around: number[], trials: number, baseSeed: number): Promise<number> {
  const { pool } = db();
  let rows = 0;
  for (let i = 0; i < trials; i++) {
    const seed = baseSeed + i;
    const r = rng(seed * 7919);
    const mode = MODES[i % MODES.length]!;
    const t = await makeTrial(pool, seed, pick(r, around), mode);
    await clearData(pool);
    await insertEvents(pool, t.events);
    await setLoaded(pool, t.windows);
    const piece = pick(r, [null, 40, 120, 400]);
    const hours = await aggregate(pool, t, r, piece);
    const stretches = stretchesOf(t.windows);
    const label = `seed ${seed} (${mode}, piece ${piece}, ${t.events.length} events, windows ${JSON.stringify(t.windows)})`;
    const actual = (await readActivity(pool)).map(withoutCalls);
    expect(actual, label).toEqual(referenceActivity(t.events, hours, stretches));
    const [slotRows] = await pool.query('SELECT slot_start, slot_end FROM report_slots WHERE hour_start IN (?) ORDER BY slot_start', [hours.map((h) => h.hourStart)]);
    const slots = (slotRows as { slot_start: number; slot_end: number }[]).map((x) => ({ hourStart: Number(x.slot_start), hourEnd: Number(x.slot_end) }));
    const actualSlots = (await readSlotActivity(pool)).map(withoutCalls);
    expect(actualSlots, `${label}: slots`).toEqual(referenceActivity(t.events, slots, stretches));
    expect(await conservationViolations(pool), label).toEqual([]);
    // vw_agent_segments reads all history as one stretch (diagnosis): compared where that is what is loaded
    if (t.windows.length === 1 && t.windows[0]!.from === 0) {
      expect(comparable(await viewSegments(pool), t.horizon), `${label}: vw_agent_segments`).toEqual(
        comparable(referenceSegments(t.events), t.horizon),
      );
    }
    rows += actual.length + actualSlots.length;
  }
  return rows;
}

const utc = (iso: string) => Date.parse(iso) / 1000;

describe('transform property: SQL = reference model', () => {
  const dubai = useTestDatabase('transform-property-dubai', 'Asia/Dubai');
  const kolkata = useTestDatabase('transform-property-kolkata', 'Asia/Kolkata');
  const london = useTestDatabase('transform-property-london', 'Europe/London');
  const kathmandu = useTestDatabase('transform-property-kathmandu', 'Asia/Kathmandu');

  it('Asia/Dubai: random timelines agree to the second', async () => {
    const rows = await runTrials(dubai, [utc('2025-09-07T00:00:00Z'), utc('2026-02-10T00:00:00Z')], 14, 1000);
    expect(rows).toBeGreaterThan(500); // the trials produce real rows to compare
  });

  it('Asia/Kolkata (+05:30): hours start at :30 UTC and the timelines agree', async () => {
    const { pool } = kolkata();
    const [rows] = await pool.query("SELECT hour_start FROM report_hours WHERE local_start = '2025-09-07 09:00:00'");
    expect(Number((rows as { hour_start: number }[])[0]!.hour_start)).toBe(utc('2025-09-07T03:30:00Z'));
    expect(await runTrials(kolkata, [utc('2025-09-07T00:00:00Z'), utc('2025-12-31T12:00:00Z')], 12, 2000)).toBeGreaterThan(400);
  });

  it('Europe/London across both DST changes (23- and 25-hour days) agrees', async () => {
    const { pool } = london();
    const [rows] = await pool.query(
      "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-10-26 00:00:00' AND local_start < '2025-10-27 00:00:00'",
    );
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(25);
    expect(await runTrials(london, [utc('2025-03-30T01:00:00Z'), utc('2025-10-26T01:00:00Z')], 16, 3000)).toBeGreaterThan(400);
  });

  it('Asia/Kathmandu (+05:45): slots start at :00/:15/:30/:45 UTC and the timelines agree', async () => {
    const { pool } = kathmandu();
    const [rows] = await pool.query("SELECT slot_start FROM report_slots WHERE local_start = '2025-09-07 09:15:00'");
    expect(Number((rows as { slot_start: number }[])[0]!.slot_start)).toBe(utc('2025-09-07T03:30:00Z'));
    expect(await runTrials(kathmandu, [utc('2025-09-07T00:00:00Z')], 10, 4000)).toBeGreaterThan(300);
  });
});
