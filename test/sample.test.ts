// The real upstream sample (fixtures/upstream-*-sample.json) through the real loader and
// the SQL (rules §3): over the events' own range, from the first event (nothing before it)
// to the horizon at the last one (10:57:13 UTC), the seconds the state model gives per
// agent never exceed the upstream's own stats, and the 42 figures of
// sample-reconciliation.json are equal to the second. The stats cover one long window, so
// they are compared with the file directly (not through users_calls).
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { loadFixtureEvents, markLoaded } from './helpers/fixtures.ts';
import { referenceTotals } from './reference/model.ts';
import { readEvents } from './reference/sql.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

interface UpstreamStats {
  idle_time: number;
  wrap_up_time: number;
  hold_time: number;
  on_call_time: number;
  not_available_detailed_report?: Record<string, number> | null;
}
interface Figure {
  ext: string;
  field: 'idle_time' | 'wrap_up_time' | 'hold_time' | 'on_call_time' | 'not_available_detailed_report';
  reason?: string;
  seconds: number;
}

const events = read('upstream-events-sample.json') as { events: { Timestamp: number; ext: string }[] };
const stats = read('upstream-stats-sample.json') as Record<string, UpstreamStats>;
const figures = read('sample-reconciliation.json') as Figure[];
const FIRST = events.events[0]!.Timestamp;
const LAST = events.events[events.events.length - 1]!.Timestamp;

/** Per agent, the figures the upstream reports, keyed 'idle_time' ... or 'reason:<as sent>'. */
type Derived = Map<string, Map<string, number>>;

function add(d: Derived, ext: string, key: string, secs: number): void {
  let m = d.get(ext);
  if (!m) d.set(ext, (m = new Map()));
  m.set(key, (m.get(key) ?? 0) + secs);
}

/** rules §3's mapping of states to the upstream's fields: on_call_time = Talk + Hold. */
function derive(list: { ext: string; state: string; reason: string | null; seconds: number }[]): Derived {
  const d: Derived = new Map();
  for (const s of list) {
    if (s.state === 'Idle') add(d, s.ext, 'idle_time', s.seconds);
    if (s.state === 'Wrap Up') add(d, s.ext, 'wrap_up_time', s.seconds);
    if (s.state === 'Hold') add(d, s.ext, 'hold_time', s.seconds);
    if (s.state === 'Talk' || s.state === 'Hold') add(d, s.ext, 'on_call_time', s.seconds);
    if (s.reason !== null) add(d, s.ext, `reason:${s.reason}`, s.seconds);
  }
  return d;
}

function upstream(ext: string, key: string): number {
  const s = stats[ext];
  if (!s) return 0;
  if (key.startsWith('reason:')) return s.not_available_detailed_report?.[key.slice(7)] ?? 0;
  return s[key as keyof Omit<UpstreamStats, 'not_available_detailed_report'>];
}

describe('the real sample', () => {
  const db = useTestDatabase('sample', 'Asia/Dubai');

  it('loads whole: 2,000 events, 08:30:00-10:57:13 UTC', async () => {
    const loaded = await loadFixtureEvents(db().pool, events, null);
    // loaded time: the events' own range, as the reconciled figures are (rules §3)
    await markLoaded(db().pool, FIRST, LAST);
    expect(loaded).toEqual({ events: 2000, rejected: 0 });
    expect([FIRST, LAST]).toEqual([Date.parse('2025-08-20T08:30:00Z') / 1000, Date.parse('2025-08-20T10:57:13Z') / 1000]);
  });

  it('segments never exceed the upstream stats, and give the 42 reconciled figures exactly', async () => {
    const { pool } = db();
    const segs = await rows<{ ext: string; state: string; reason: string | null; seconds: number }>(
      pool,
      // grouped by the reason's bytes; MIN picks the one spelling each group holds (a bare
      // `reason` would be refused by MySQL's ONLY_FULL_GROUP_BY, which MariaDB does not
      // check through a view)
      'SELECT ext, state, MIN(reason) AS reason, SUM(seconds) AS seconds FROM vw_agent_segments GROUP BY ext, state, CAST(reason AS BINARY)',
    );
    const derived = derive(segs.map((s) => ({ ...s, seconds: Number(s.seconds) })));
    expect(derived.size).toBeGreaterThan(40);
    let compared = 0;
    for (const [ext, m] of derived) {
      for (const [key, secs] of m) {
        expect(secs, `${ext} ${key}`).toBeLessThanOrEqual(upstream(ext, key));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(figures).toHaveLength(42);
    for (const f of figures) {
      const key = f.field === 'not_available_detailed_report' ? `reason:${f.reason}` : f.field;
      expect(derived.get(f.ext)?.get(key) ?? 0, `${f.ext} ${key}`).toBe(f.seconds);
    }
    // the reference model reads the same rows the same way
    const model: Derived = new Map();
    for (const [ext, t] of referenceTotals(await readEvents(pool), FIRST, LAST)) {
      for (const [state, secs] of t.states) derive([{ ext, state, reason: null, seconds: secs }]).get(ext)?.forEach((v, k) => add(model, ext, k, v));
      for (const [reason, secs] of t.reasons) add(model, ext, `reason:${reason}`, secs);
    }
    expect(model).toEqual(derived);
  });

  it('agent_activity and agent_reason_activity over the sample hours hold the same seconds as the segments', async () => {
    const { pool } = db();
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FIRST, LAST + 1]);
    const [hours] = await rows<{ n: number; lo: number; counted: number }>(pool, 'SELECT COUNT(DISTINCT hour_start) AS n, MIN(hour_start) AS lo, MAX(counted_s) AS counted FROM agent_activity');
    expect(hours).toMatchObject({ n: 3, lo: Date.parse('2025-08-20T08:00:00Z') / 1000 });
    const bySegments = await rows(
      pool,
      `SELECT ext, SUM(CASE WHEN state = 'Idle' THEN seconds ELSE 0 END) AS idle, SUM(CASE WHEN state = 'Talk' THEN seconds ELSE 0 END) AS talk,
         SUM(CASE WHEN state = 'Hold' THEN seconds ELSE 0 END) AS hold, SUM(CASE WHEN state = 'Wrap Up' THEN seconds ELSE 0 END) AS wrap,
         SUM(CASE WHEN state = 'Login' THEN seconds ELSE 0 END) AS login, SUM(CASE WHEN state = 'Lunch' THEN seconds ELSE 0 END) AS lunch,
         SUM(CASE WHEN state = 'Other NPT' THEN seconds ELSE 0 END) AS other
       FROM vw_agent_segments GROUP BY ext HAVING SUM(CASE WHEN state <> 'Offline' THEN seconds ELSE 0 END) > 0 ORDER BY ext`,
    );
    const byActivity = await rows(
      pool,
      `SELECT ext, SUM(idle_s) AS idle, SUM(talk_s) AS talk, SUM(hold_s) AS hold, SUM(wrap_s) AS wrap, SUM(login_s) AS login,
         SUM(lunch_s) AS lunch, SUM(other_npt_s) AS other
       FROM agent_activity GROUP BY ext ORDER BY ext`,
    );
    expect(byActivity.length).toBeGreaterThan(40);
    expect(byActivity).toEqual(bySegments);
    const reasonsBySegments = await rows(
      pool,
      "SELECT ext, CAST(reason AS BINARY) AS reason, SUM(seconds) AS s FROM vw_agent_segments WHERE reason IS NOT NULL GROUP BY ext, CAST(reason AS BINARY) ORDER BY ext, CAST(reason AS BINARY)",
    );
    const reasonsStored = await rows(pool, 'SELECT ext, reason, SUM(reason_s) AS s FROM agent_reason_activity GROUP BY ext, reason ORDER BY ext, reason');
    expect(reasonsStored).toEqual(reasonsBySegments);
  });
});
