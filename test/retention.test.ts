// Raw-data retention on a real database: pruning keeps every report byte for byte, over
// the kept days and over the pruned ones; the hours after the cut, recomputed from the
// checkpoint at the cut, come out the same; recomputing before the cut is refused with
// the cut and the variable named, by the procedures and by a backfill; npm run prune
// explains itself and refuses to run without a retention.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, configFor, clientFor } from './helpers/simulator.ts';
import { runCommand } from './helpers/child.ts';
import { rng, randomAgentTimeline } from './reference/timelines.ts';
import { insertEvents, setLoaded } from './reference/sql.ts';
import type { RefEvent } from './reference/model.ts';
import { pruneRaw } from '../src/retention/prune.ts';
import { readCut } from '../src/db/raw-cut.ts';
import { ensureDayPartitions, partitionsOf } from '../src/db/partitions.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { UsageError } from '../src/usage-error.ts';
import { REFUSALS } from '../src/db/refusals.ts';
import { EXIT } from '../src/cli/exit.ts';
import { memoryLogger } from '../src/log.ts';
import { parseReportParams } from '../src/report/params.ts';
import { writeReport } from '../src/report/write.ts';

const TZ = 'Asia/Dubai';
const db = useTestDatabase('retention', TZ);
const H = 3600;
const DAY = 86400;
// local days of Asia/Dubai (UTC+4), 2025-09-05 .. 2025-09-09
const FROM = Date.UTC(2025, 8, 4, 20) / 1000; // 2025-09-05 00:00 local
const TO = FROM + 5 * DAY; // 2025-09-10 00:00 local
const CUT = FROM + 3 * DAY; // 2025-09-08 00:00 local: two days before 2025-09-10
const NOW = TO + 3 * H;
const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'total'];

class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
}

async function report(start: string, end: string, interval: string): Promise<string> {
  const q = new URLSearchParams({ startDate: start, startTime: '00:00:00', endDate: end, endTime: '00:00:00', interval, durations: 'seconds', bom: '0' });
  const sink = new Sink();
  await writeReport(db().pool, parseReportParams(q.entries(), TZ, 93), TZ, sink);
  return Buffer.concat(sink.chunks).toString('utf8');
}

/** Every interval over all five days and over the kept days only. */
async function reports(): Promise<string[]> {
  const out: string[] = [];
  for (const i of INTERVALS) {
    out.push(await report('2025-09-05', '2025-09-10', i));
    out.push(await report('2025-09-08', '2025-09-10', i));
  }
  return out;
}

async function aggregate(sql: string, params: unknown[], piece: number | null = null): Promise<void> {
  const conn = await db().pool.getConnection();
  try {
    await conn.query('SET @apr_agent_hours_per_piece = ?', [piece]);
    await conn.query(sql, params);
  } finally {
    conn.release();
  }
}

describe('raw-data retention', () => {
  let before: string[] = [];

  it('prunes whole days before the cut and keeps every report byte for byte', async () => {
    const { pool } = db();
    const r = rng(4242);
    const events: RefEvent[] = [];
    for (let a = 0; a < 10; a++) events.push(...randomAgentTimeline(r, String(5100 + a), FROM - 8 * H, TO));
    // a partition per local day: the days before the cut go whole, but those holding a
    // not-available event the checkpoint at the cut names
    await ensureDayPartitions(pool, TZ, FROM - 8 * H, TO);
    await insertEvents(pool, events);
    const call = (ext: string, at: number) => [at, at - (at % H), ext, at + 900, 3, 2];
    await pool.query('INSERT INTO users_calls (slot_start, hour_start, ext, fetched_to, total_calls, answered_calls) VALUES ?', [
      [call('5100', FROM + 9 * H), call('5101', CUT - H), call('5102', CUT + 9 * H), call('5199', FROM + DAY + 900)],
    ]);
    await setLoaded(pool, [{ from: FROM - 10 * H, to: TO }]);
    await aggregate('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO]);
    before = await reports();
    expect(before[2]!.split('\r\n').length).toBeGreaterThan(100);

    const log = memoryLogger();
    const res = await pruneRaw(pool, { reportTz: TZ, days: 2, log, nowSeconds: NOW });
    expect(res).toMatchObject({ cut: CUT, moved: true, stats: 3 });
    expect(res.events).toBeGreaterThan(events.length / 2);
    expect(await readCut(pool)).toBe(CUT);
    // the state at the cut is kept: some agents were on something at midnight
    const [k] = await rows<{ n: number }>(pool, 'SELECT COUNT(*) AS n FROM agent_state_checkpoints WHERE at_ts = ?', [CUT]);
    expect(Number(k!.n)).toBeGreaterThan(0);
    // before the cut only the not-available events the checkpoint names are left, no stats
    const [left] = await rows<{ n: number; named: number }>(
      pool,
      `SELECT COUNT(*) AS n, SUM(k.ext IS NOT NULL) AS named FROM agent_events e
       LEFT JOIN agent_state_checkpoints k ON k.at_ts = ? AND k.ext = e.ext AND k.na_ts = e.ts AND k.na_seq = e.seq
       WHERE e.ts < ?`,
      [CUT, CUT],
    );
    expect(Number(left!.named ?? 0)).toBe(Number(left!.n));
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM users_calls WHERE slot_start < ?', [CUT])).toEqual([{ n: 0 }]);
    const early = (await partitionsOf(pool, 'users_calls')).filter((p) => p.hi !== null && p.hi <= CUT);
    expect(early).toEqual([]);
    const kept = (await partitionsOf(pool, 'agent_events')).filter((p) => p.hi !== null && p.hi <= CUT);
    expect(kept.length).toBeLessThan(5); // of p_old and the four days 2025-09-04 .. 2025-09-07
    for (const p of kept) {
      expect(await rows(pool, 'SELECT COUNT(*) > 0 AS named FROM agent_state_checkpoints WHERE at_ts = ? AND na_ts >= ? AND na_ts < ?', [CUT, p.lo ?? 0, p.hi])).toEqual([{ named: 1 }]);
    }
    expect(await reports()).toEqual(before);
  });

  it('recomputes the hours after the cut from the checkpoint there, the same, every way', async () => {
    // no later checkpoint counts as complete (as after a filled gap): every hour carries its
    // state from the cut's checkpoint and the events since
    await db().pool.query('DELETE FROM agent_state_marks WHERE at_ts >= ?', [CUT]);
    await aggregate('CALL sp_aggregate_range(?, ?)', ['2025-09-08 00:00:00', '2025-09-08 01:00:00']);
    await aggregate('CALL sp_aggregate_range(?, ?)', ['2025-09-08 05:00:00', '2025-09-08 06:00:00']);
    expect(await reports()).toEqual(before);
    await aggregate('CALL sp_aggregate_epoch_range(?, ?)', [CUT, TO]);
    expect(await reports()).toEqual(before);
    await aggregate("CALL sp_aggregate_hour('2025-09-08 00:00:00')", []);
    await aggregate("CALL sp_aggregate_hour('2025-09-08 07:00:00')", []);
    expect(await reports()).toEqual(before);
    // in groups of agents over two days
    await aggregate('CALL sp_aggregate_range(?, ?)', ['2025-09-08 00:00:00', '2025-09-10 00:00:00'], 100);
    expect(await reports()).toEqual(before);
  });

  it('refuses to recompute an hour before the cut, naming the cut and the variable', async () => {
    const { pool } = db();
    const refused = { sqlState: REFUSALS.beforeRetentionCut.sqlState };
    await expect(pool.query("CALL sp_aggregate_hour('2025-09-07 23:00:00')")).rejects.toMatchObject({ ...refused, message: expect.stringMatching(/before 2025-09-08 00:00 .*RAW_RETENTION_DAYS/) });
    await expect(pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-09 00:00:00')")).rejects.toMatchObject(refused);
    await expect(pool.query('CALL sp_aggregate_epoch_range(?, ?)', [FROM, TO])).rejects.toMatchObject(refused);
    expect(await reports()).toEqual(before);

    const sim = await simulator({ agents: 2 });
    const upstream = clientFor(sim);
    try {
      const run = runBackfill(configFor(db().url, TZ, sim), pool, { fromTs: CUT - DAY, toTs: CUT + H, log: memoryLogger(), upstream });
      await expect(run).rejects.toBeInstanceOf(UsageError);
      await expect(run).rejects.toThrow(/retention cut 2025-09-08 00:00\+04.*RAW_RETENTION_DAYS/);
    } finally {
      await upstream.close();
      await sim.close();
    }
  });

  it('the same day again deletes nothing; a day later the cut moves on, reports unchanged', async () => {
    const { pool } = db();
    expect(await pruneRaw(pool, { reportTz: TZ, days: 2, log: memoryLogger(), nowSeconds: NOW + H })).toMatchObject({ cut: CUT, moved: false, events: 0, stats: 0 });
    const next = await pruneRaw(pool, { reportTz: TZ, days: 2, log: memoryLogger(), nowSeconds: NOW + DAY });
    expect(next).toMatchObject({ cut: CUT + DAY, moved: true, stats: 1 });
    expect(next.events).toBeGreaterThan(0);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM agent_state_checkpoints WHERE at_ts < ?', [CUT + DAY])).toEqual([{ n: 0 }]);
    expect(await reports()).toEqual(before);
    await aggregate('CALL sp_aggregate_epoch_range(?, ?)', [CUT + DAY, TO]);
    expect(await reports()).toEqual(before);
  });
});

describe('npm run prune', () => {
  const env = () => ({ DATABASE_URL: db().url, REPORT_TZ: TZ });

  it('--help says what is kept and what is deleted', async () => {
    const child = runCommand('prune.ts', ['--help'], env());
    expect(await child.exited).toBe(0);
    const text = child.lines.join('\n');
    expect(text).toMatch(/RAW_RETENTION_DAYS/);
    expect(text).toMatch(/agent_activity, agent_slot_activity, agent_reason_activity\) and the loaded windows are\s+kept/);
  });

  it('without RAW_RETENTION_DAYS or --days, and with a bad --days, refuses in one line (exit 2)', async () => {
    for (const [args, re] of [
      [[], /RAW_RETENTION_DAYS is not set/],
      [['--days', '0'], /--days "0": give a whole number of days from 1 to 36500/],
    ] as const) {
      const child = runCommand('prune.ts', [...args], env());
      expect(await child.exited).toBe(EXIT.USAGE);
      expect(child.lines).toHaveLength(1);
      expect((JSON.parse(child.lines[0]!) as { error: string }).error).toMatch(re);
    }
    const bad = runCommand('prune.ts', [], { ...env(), RAW_RETENTION_DAYS: 'soon' });
    expect(await bad.exited).toBe(EXIT.CONFIG);
    expect((JSON.parse(bad.lines[0]!) as { error: string }).error).toMatch(/RAW_RETENTION_DAYS="soon" is not valid/);
  });

  it('prunes with --days, once the data is old enough', async () => {
    const child = runCommand('prune.ts', ['--days', '3650'], env());
    expect(await child.exited, child.lines.join('\n')).toBe(0);
    expect(child.lines.join('\n')).toMatch(/prune done/);
  });
});

