// Loaded time (rules §3): ranges loaded by real backfills from the simulator, with gaps
// between them in either order. Nothing is counted in a gap, the stretch after a gap
// starts Offline, an old range loaded later changes no figure of a newer stretch, filling
// the gap gives byte for byte the report of one clean load, and a backfill that ends
// mid-hour shows the rest of that hour as Not Loaded.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, configFor, clientFor, expectedActivity, actualActivity, SIM_NOW } from './helpers/simulator.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { wipeStaging } from '../src/backfill/wipe.ts';
import { memoryLogger } from '../src/log.ts';
import { parseReportParams } from '../src/report/params.ts';
import { writeReport } from '../src/report/write.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';

const TZ = 'Asia/Dubai';
const db = useTestDatabase('loaded-time', TZ);
const H = 3600;
// Local days of Asia/Dubai (UTC+4): SIM_NOW is 2025-09-10 04:00 local.
const A = { from: SIM_NOW - 30 * H, to: SIM_NOW - 20 * H }; // the older range
const B = { from: SIM_NOW - 14 * H, to: SIM_NOW }; // the newer range; [A.to, B.from) is the gap
const ALL_QUERY = 'startDate=2025-09-08&startTime=22:00:00&endDate=2025-09-10&endTime=04:00:00&bom=0';
const B_QUERY = 'startDate=2025-09-09&startTime=14:00:00&endDate=2025-09-10&endTime=04:00:00&bom=0';

class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
}

async function report(query: string): Promise<string> {
  const sink = new Sink();
  await writeReport(db().pool, parseReportParams(new URLSearchParams(query).entries(), TZ, 93), TZ, sink);
  return Buffer.concat(sink.chunks).toString('utf8');
}

async function load(sim: SimulatorHandle, range: { from: number; to: number }): Promise<void> {
  const upstream = clientFor(sim, 2000);
  try {
    const s = await runBackfill(configFor(db().url, TZ, sim), db().pool, { fromTs: range.from, toTs: range.to, concurrency: 2, log: memoryLogger(), upstream });
    expect(s.failed).toEqual([]);
  } finally {
    await upstream.close();
  }
}

describe('loaded time', async () => {
  const sim = await simulator({ agents: 12 });
  afterAll(() => sim.close());
  const ranges = ['15m', '1h', 'day', 'total'].map((i) => `${ALL_QUERY}&interval=${i}&durations=seconds`);
  const clean: string[] = [];

  it('one clean load of the whole range: the reference', async () => {
    await wipeStaging(db().pool);
    await load(sim, { from: A.from, to: B.to });
    for (const q of ranges) clean.push(await report(q));
    expect(clean[1]!.split('\r\n').length).toBeGreaterThan(100);
  });

  it('an old range loaded after a newer one changes none of its rows, and nothing is counted in the gap', async () => {
    await wipeStaging(db().pool);
    await load(sim, B);
    const newer = await report(`${B_QUERY}&interval=15m`);
    await load(sim, A);
    expect(await report(`${B_QUERY}&interval=15m`)).toBe(newer);
    const stretches = [A, B];
    expect(await actualActivity(db().pool)).toEqual(await expectedActivity(db().pool, sim, A.from, B.to, stretches));
    // no row in the gap's hours; the hours there are wholly Not Loaded in a longer interval
    const inGap = await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_slot_activity WHERE slot_start >= ? AND slot_start < ?', [A.to, B.from]);
    expect(inGap).toEqual([{ n: 0 }]);
    const total = (await report(`${ALL_QUERY}&interval=total&durations=seconds&format=json`)) as string;
    for (const row of JSON.parse(total) as { staffed_time: number; offline_time: number; not_loaded_time: number }[]) {
      expect(row.not_loaded_time).toBe(B.from - A.to);
      expect(row.staffed_time + row.offline_time + row.not_loaded_time).toBe(B.to - A.from);
    }
  });

  it('the stretch after a gap starts Offline: no state is carried across it', async () => {
    const firstHour = (await report(`startDate=2025-09-09&startTime=14:00:00&endDate=2025-09-09&endTime=15:00:00&bom=0&durations=seconds&format=json`)) as string;
    const rowsAfter = JSON.parse(firstHour) as { ext: string; staffed_time: number }[];
    // the model from B's start alone (events before the gap not read) agrees with every row
    const expected = (await expectedActivity(db().pool, sim, B.from, B.from + H, [B])).filter((r) => r.hourStart === B.from);
    expect(rowsAfter.map((r) => [r.ext, r.staffed_time]).sort()).toEqual(expected.map((r) => [r.ext, r.counted_s - r.offline_s]).sort());
  });

  it('filling the gap gives the clean load byte for byte, for every interval', async () => {
    await load(sim, { from: A.to, to: B.from });
    for (const [i, q] of ranges.entries()) expect(await report(q), q).toBe(clean[i]);
  });

  it('the same in the other order: older range first, then the newer, then the gap', async () => {
    await wipeStaging(db().pool);
    await load(sim, A);
    await load(sim, B);
    expect(await actualActivity(db().pool)).toEqual(await expectedActivity(db().pool, sim, A.from, B.to, [A, B]));
    await load(sim, { from: A.to - 1800, to: B.from + 1800 });
    for (const [i, q] of ranges.entries()) expect(await report(q), q).toBe(clean[i]);
  });

  it('a backfill that ends mid-hour shows the rest of that hour as Not Loaded', async () => {
    await wipeStaging(db().pool);
    await load(sim, { from: B.from, to: B.from + 90 * 60 });
    const hour2 = JSON.parse(
      await report('startDate=2025-09-09&startTime=15:00:00&endDate=2025-09-09&endTime=16:00:00&bom=0&durations=seconds&format=json'),
    ) as { not_loaded_time: number; staffed_time: number; offline_time: number }[];
    expect(hour2.length).toBeGreaterThan(0);
    for (const r of hour2) {
      expect(r.not_loaded_time).toBe(1800);
      expect(r.staffed_time + r.offline_time).toBe(1800);
    }
    const status = await rows<{ horizon: number }>(db().pool, 'SELECT horizon FROM collector_state');
    expect(Number(status[0]!.horizon)).toBe(B.from + 90 * 60);
  });
});
