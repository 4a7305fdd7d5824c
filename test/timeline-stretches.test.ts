// Stretches of loaded time (vw_loaded_stretches) and the gaps between them
// (vw_status_gaps), which the timeline, the report and /api/status read: equal to a plain
// merge of random windows (overlapping, touching, nested, empty), and quick with a year of
// collector windows.
import { describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';

const db = useTestDatabase('timeline-stretches', 'Asia/Dubai');

/** The union of [from, to) windows as maximal stretches; touching windows join. */
function merge(windows: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [from, to] of windows.filter(([f, t]) => t > f).sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function setWindows(windows: [number, number][]): Promise<void> {
  const { pool } = db();
  await pool.query('DELETE FROM loaded_windows');
  for (let i = 0; i < windows.length; i += 5000) {
    await pool.query('INSERT INTO loaded_windows (from_ts, to_ts, source) VALUES ?', [windows.slice(i, i + 5000).map(([f, t]) => [f, t, 'collector'])]);
  }
}

async function stretches(): Promise<[number, number][]> {
  return (await rows<{ s_from: number; s_to: number }>(db().pool, 'SELECT s_from, s_to FROM vw_loaded_stretches ORDER BY s_from')).map((r) => [Number(r.s_from), Number(r.s_to)]);
}

async function gaps(): Promise<[number, number][]> {
  return (await rows<{ gap_from: number; gap_to: number }>(db().pool, 'SELECT gap_from, gap_to FROM vw_status_gaps ORDER BY gap_from')).map((r) => [Number(r.gap_from), Number(r.gap_to)]);
}

describe('vw_loaded_stretches and vw_status_gaps', () => {
  it('equal a plain merge of 40 random sets of windows', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = rng(seed);
      const windows: [number, number][] = Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
        const from = 1_757_000_000 + Math.floor(next() * 40) * 300;
        return [from, from + Math.floor(next() * 6) * 300 - (next() < 0.1 ? 300 : 0)];
      });
      await setWindows(windows);
      const want = merge(windows);
      expect(await stretches(), `seed ${seed}`).toEqual(want);
      expect(await gaps(), `seed ${seed}`).toEqual(want.slice(1).map(([from], i) => [want[i]![1], from]));
    }
  });

  it('answer within seconds for a year of collector windows (10-minute runs, 30 minutes re-read)', async () => {
    const year: [number, number][] = [];
    const start = 1_725_000_000;
    for (let i = 0; i < 52_000; i++) year.push([start + i * 600 - 1800, start + (i + 1) * 600]);
    year.push([start + 52_000 * 600 + 3600, start + 52_000 * 600 + 7200]); // after a gap
    await setWindows(year);
    const t = performance.now();
    expect(await stretches()).toEqual([[start - 1800, start + 52_000 * 600], [start + 52_000 * 600 + 3600, start + 52_000 * 600 + 7200]]);
    expect(await gaps()).toEqual([[start + 52_000 * 600, start + 52_000 * 600 + 3600]]);
    // a running MAX over the growing frame took minutes here; the running SUM about a second
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});
