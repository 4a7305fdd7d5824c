// The CSV against an independent implementation written here: BigInt arithmetic, luxon
// for local times (not report_hours), a hand-written RFC 4180 writer. agent_activity rows
// are inserted directly (each hour of them loaded whole); the transform that normally
// fills them is tested elsewhere. Longer intervals are checked as sums of the hour rows.
import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { writeReport } from '../src/report/write.ts';
import { stringify } from 'csv-stringify';
import { csvEncoder } from '../src/report/csv.ts';
import { parseReportParams } from '../src/report/params.ts';
import { BOM, CATEGORY_COLUMNS, hourStarts, insertActivity, setAgent } from './helpers/report.ts';
import type { ActivityInput, Category } from './helpers/report.ts';

const TZ = 'Asia/Kolkata';
const db = useTestDatabase('report-csv', TZ);

const HEADER =
  'Interval,Date,Start Time,End Time,Ext,Name,Available Time,Productive Break,Non-Prod. Break,Login Time,Logoff Time,Idle Time,' +
  'Total Calls,Answered Calls,Failed Calls,AHT,Answer Rate (%),Lunch Time,Tea/Coffee Break,Bio Break,Short Break,Other NPT,' +
  'Meeting Time,Training Time,Chat Time,Tickets Time,Outbound Time,Talk Time,Hold Time,Wrap Up Time,DND Time,Occupancy (%),' +
  'Staffed Time,Offline Time,Not Loaded Time';

class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

async function report(query: string): Promise<{ bytes: Buffer; rows: number }> {
  const params = parseReportParams(new URLSearchParams(query).entries(), TZ, 93);
  const sink = new Sink();
  const { rows } = await writeReport(db().pool, params, TZ, sink);
  return { bytes: sink.bytes, rows };
}

// ---- the independent model -------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const two = (n: bigint | number) => String(n).padStart(2, '0');
function duration(s: bigint, seconds: boolean): string {
  return seconds ? String(s) : `${two(s / 3600n)}:${two((s / 60n) % 60n)}:${two(s % 60n)}`;
}
/** n/d as a percentage, two decimals, halves up, by long division. */
function percent(n: bigint, d: bigint): string {
  if (d === 0n) return '';
  let q = (10000n * n) / d;
  if (2n * ((10000n * n) % d) >= d) q += 1n;
  if (q > 10000n) q = 10000n;
  return `${q / 100n}.${two(q % 100n)}`;
}
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
function extCompare(a: string, b: string): number {
  const da = /^[0-9]+$/.test(a);
  const dbb = /^[0-9]+$/.test(b);
  if (da !== dbb) return da ? -1 : 1;
  if (da && BigInt(a) !== BigInt(b)) return BigInt(a) < BigInt(b) ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Agent {
  name: string | null;
  stats: string | null;
}

/** A row of the report's model: an agent's sums over a period of `hours` hours, of which `loaded` were loaded. */
interface PeriodRow extends ActivityInput {
  hours: number;
  loaded: number;
}

function expectedCsv(rows: (ActivityInput | PeriodRow)[], agents: Map<string, Agent>, seconds: boolean): string {
  const sorted = [...rows].sort((a, b) => a.hourStart - b.hourStart || extCompare(a.ext, b.ext));
  const lines = [HEADER];
  for (const r of sorted) {
    const v = (c: Category) => BigInt(r[c] ?? 0);
    const d = (s: bigint) => duration(s, seconds);
    const hours = 'hours' in r ? r.hours : 1;
    const loaded = BigInt('loaded' in r ? r.loaded : 1) * 3600n;
    const start = DateTime.fromSeconds(r.hourStart, { zone: TZ });
    const end = start.plus({ hours });
    const staffed = CATEGORY_COLUMNS.reduce((sum, c) => sum + v(c), 0n);
    const total = BigInt(r.total_calls ?? 0);
    const answered = BigInt(r.answered_calls ?? 0);
    const handled = v('talk_s') + v('hold_s') + v('wrap_s');
    const available = handled + v('idle_s');
    const a = agents.get(r.ext);
    const name = a?.name ? a.name : (a?.stats ?? '');
    let aht = 0n;
    if (answered > 0n) {
      aht = handled / answered;
      if (2n * (handled % answered) >= answered) aht += 1n;
    }
    const fields = [
      `${start.toFormat('HH:mm')} - ${end.toFormat('HH:mm')}`,
      `${start.toFormat('dd')}-${'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[start.month - 1]}`,
      start.toFormat('dd/MM/yyyy, HH:mm:ss'),
      end.toFormat('dd/MM/yyyy, HH:mm:ss'),
      r.ext,
      /^[=+\-@\t\r]/.test(name) ? `'${name}` : name,
      d(available),
      d(v('meeting_s') + v('training_s') + v('chat_s') + v('tickets_s') + v('outbound_s')),
      d(v('lunch_s') + v('tea_s') + v('bio_s') + v('short_break_s') + v('other_npt_s')),
      d(v('login_s')),
      d(v('logoff_s')),
      d(v('idle_s')),
      String(total),
      String(answered),
      String(total > answered ? total - answered : 0n),
      d(aht),
      percent(answered, total),
      ...(['lunch_s', 'tea_s', 'bio_s', 'short_break_s', 'other_npt_s', 'meeting_s', 'training_s', 'chat_s', 'tickets_s', 'outbound_s', 'talk_s', 'hold_s', 'wrap_s', 'dnd_s'] as const).map((c) => d(v(c))),
      percent(handled, available),
      d(staffed),
      d(loaded - staffed),
      d(BigInt(hours) * 3600n - loaded),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return lines.map((l) => l + '\r\n').join('');
}

// ---- data ------------------------------------------------------------------------

const EXTS = ['10001', '2000', '007', '7', '0', '00', '99999999999999999999999999', 'abc', 'B12', 'a-1', '4101', '4102', '3', '30', '300', 'Z', 'Z\t'];
const AGENTS = new Map<string, Agent>([
  ['10001', { name: 'Smith, John', stats: null }],
  ['2000', { name: 'Anna "Ace" Ng', stats: 'ignored' }],
  ['007', { name: '=HYPERLINK("x")', stats: null }],
  ['7', { name: '', stats: 'Stats Only' }],
  ['0', { name: null, stats: null }],
  ['00', { name: '-5 Minus', stats: null }],
  ['abc', { name: 'ليلى مينون', stats: null }],
  ['B12', { name: '@home', stats: null }],
  ['a-1', { name: '+971 Plus', stats: null }],
  ['4101', { name: 'Layla Menon', stats: null }],
  // 4102, 3, 30, 300, 999...: no agents row at all
]);

function randomRows(hours: number[], seed: number): ActivityInput[] {
  const r = rng(seed);
  const rows: ActivityInput[] = [];
  for (const hourStart of hours) {
    for (const ext of EXTS) {
      if (r() < 0.25) continue;
      const row: ActivityInput = { hourStart, ext };
      let left = 3600;
      for (const c of CATEGORY_COLUMNS) {
        if (r() < 0.5) continue;
        const s = Math.floor(r() * Math.min(left, 900) + (r() < 0.1 ? left : 0));
        const take = Math.min(s, left);
        row[c] = take;
        left -= take;
      }
      const shape = r();
      if (shape < 0.2) {
        row.total_calls = 0;
        row.answered_calls = 0;
      } else if (shape < 0.3) {
        row.total_calls = 0;
        row.answered_calls = 2; // no calls offered but some answered: rate stays empty
      } else if (shape < 0.4) {
        row.total_calls = 3;
        row.answered_calls = 5; // answered > total: failed 0, rate 100.00
      } else {
        row.total_calls = Math.floor(r() * 900) + 1;
        row.answered_calls = Math.floor(r() * (row.total_calls + 1));
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The model's rows of a longer interval: per agent and period (keyed by its first hour), the sums of its hour rows. */
function sumsBy(rows: ActivityInput[], periodOf: (hourStart: number) => number, hoursOf: (period: number) => number, loadedOf: (period: number) => number): PeriodRow[] {
  const out = new Map<string, PeriodRow>();
  for (const r of rows) {
    const p = periodOf(r.hourStart);
    const key = `${p} ${r.ext}`;
    let s = out.get(key);
    if (!s) out.set(key, (s = { hourStart: p, ext: r.ext, hours: hoursOf(p), loaded: loadedOf(p), total_calls: 0, answered_calls: 0 }));
    for (const c of CATEGORY_COLUMNS) s[c] = (s[c] ?? 0) + (r[c] ?? 0);
    s.total_calls! += r.total_calls ?? 0;
    s.answered_calls! += r.answered_calls ?? 0;
  }
  return [...out.values()];
}

describe('report CSV', () => {
  let rows: ActivityInput[] = [];

  it('equals the independent model, row for row, in both duration forms', async () => {
    const { pool } = db();
    for (const [ext, a] of AGENTS) await setAgent(pool, ext, a.name, a.stats);
    const hours = await hourStarts(pool, '2025-09-06 00:00:00', '2025-09-09 00:00:00');
    rows = randomRows(hours, 20250907);
    // Rounding cases written out: 1/800 is 0.13 (float ROUND says 0.12), halves of seconds.
    rows.push(
      { hourStart: hours[10]!, ext: '5000', talk_s: 1, idle_s: 799, total_calls: 800, answered_calls: 1 },
      { hourStart: hours[10]!, ext: '5001', talk_s: 3, total_calls: 2, answered_calls: 2 },
      { hourStart: hours[10]!, ext: '5002', talk_s: 1, hold_s: 1, wrap_s: 3, idle_s: 1, total_calls: 3, answered_calls: 1 },
    );
    await insertActivity(pool, rows);

    const hmsOut = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0');
    expect(hmsOut.rows).toBe(rows.length);
    const want = expectedCsv(rows, AGENTS, false);
    const got = hmsOut.bytes.toString('utf8');
    const gotLines = got.split('\r\n');
    const wantLines = want.split('\r\n');
    for (let i = 0; i < wantLines.length; i++) expect(gotLines[i], `line ${i + 1}`).toBe(wantLines[i]);
    expect(got).toBe(want);

    const secOut = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0&durations=seconds');
    expect(secOut.bytes.toString('utf8')).toBe(expectedCsv(rows, AGENTS, true));
  });

  it('prints the written-out rounding cases exactly', async () => {
    const text = (await report('startDate=2025-09-06&startTime=10:00:00&endDate=2025-09-06&endTime=11:00:00&bom=0&ext=5000,5001,5002')).bytes.toString();
    const lines = text.split('\r\n').slice(1, -1).map((l) => l.split(','));
    // AHT, Answer Rate, Occupancy (columns 16, 17, 32), shifted by the commas inside Start and End Time
    const pick = (l: string[]) => [l[6], l[17], l[18], l[33]];
    expect(lines.map(pick)).toEqual([
      ['5000', '00:00:01', '0.13', '0.13'],
      ['5001', '00:00:02', '100.00', '100.00'], // 3 s over 2 calls = 1.5 → 2
      ['5002', '00:00:05', '33.33', '83.33'],
    ]);
  });

  it('orders extensions: digits by number (leading zeros tie-broken by bytes), then the rest in binary order', async () => {
    const { pool } = db();
    const [hour] = await hourStarts(pool, '2025-09-10 05:00:00', '2025-09-10 06:00:00');
    await insertActivity(pool, [...EXTS].reverse().map((ext) => ({ hourStart: hour!, ext, idle_s: 60 })));
    const text = (await report('startDate=2025-09-10&startTime=05:00:00&endDate=2025-09-10&endTime=06:00:00&bom=0')).bytes.toString();
    const exts = text.split('\r\n').slice(1, -1).map((l) => l.split(',')[6]);
    // binary order, not the collation's: 'Z' before 'Z<tab>' (a PAD SPACE collation would swap them)
    expect(exts).toEqual(['0', '00', '3', '007', '7', '30', '300', '2000', '4101', '4102', '10001', '99999999999999999999999999', 'B12', 'Z', 'Z\t', 'a-1', 'abc']);
    expect(exts).toEqual([...EXTS].sort(extCompare));
  });

  it('writes the byte-order mark unless bom=0, and only the header for an empty range', async () => {
    const withBom = await report('startDate=2026-01-01');
    expect(withBom.rows).toBe(0);
    expect(withBom.bytes.equals(Buffer.concat([BOM, Buffer.from(HEADER + '\r\n')]))).toBe(true);
    const without = await report('startDate=2026-01-01&bom=0');
    expect(without.bytes.toString()).toBe(HEADER + '\r\n');
  });

  it('filters by extension', async () => {
    const out = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0&ext=007,abc,nobody');
    const kept = rows.filter((r) => r.ext === '007' || r.ext === 'abc');
    expect(out.rows).toBe(kept.length);
    expect(out.bytes.toString()).toBe(expectedCsv(kept, AGENTS, false));
  });

  it('sums a day, a week and a whole range from the hour rows, and computes AHT and the rates from the sums', async () => {
    const { pool } = db();
    const hours = await hourStarts(pool, '2025-09-06 00:00:00', '2025-09-09 00:00:00');
    const loadedHours = new Set(rows.filter((r) => hours.includes(r.hourStart)).map((r) => r.hourStart));
    const dayOf = (h: number) => DateTime.fromSeconds(h, { zone: TZ }).startOf('day').toSeconds();
    const loadedIn = (from: number, to: number) => [...loadedHours].filter((h) => h >= from && h < to).length;
    const inRange = rows.filter((r) => hours.includes(r.hourStart));
    const days = sumsBy(inRange, dayOf, () => 24, (d) => loadedIn(d, d + 86400));
    const dayOut = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0&interval=day');
    expect(dayOut.bytes.toString()).toBe(expectedCsv(days, AGENTS, false));
    // weeks run Monday to Sunday: 2025-09-06 and 07 (Sat, Sun), then 08 (Mon)
    const weekOf = (h: number) => {
      const d = DateTime.fromSeconds(h, { zone: TZ }).startOf('day');
      return d.minus({ days: d.weekday - 1 }).toSeconds();
    };
    const firstOf = (w: number) => Math.max(w, hours[0]!);
    const hoursIn = (w: number) => hours.filter((h) => firstOf(weekOf(h)) === w).length;
    const weeks = sumsBy(inRange, (h) => firstOf(weekOf(h)), hoursIn, (w) => loadedIn(w, weekOf(w) + 7 * 86400));
    expect(weeks.map((w) => w.hours)).toContain(24);
    expect(weeks.length).toBeGreaterThan(EXTS.length);
    const weekOut = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0&interval=week');
    expect(weekOut.bytes.toString()).toBe(expectedCsv(weeks, AGENTS, false));
    const totals = sumsBy(inRange, () => hours[0]!, () => 72, () => loadedHours.size);
    const totalOut = await report('startDate=2025-09-06&endDate=2025-09-09&bom=0&interval=total&durations=seconds');
    expect(totalOut.bytes.toString()).toBe(expectedCsv(totals, AGENTS, true));
  });

  it('keeps hours whose start lies in the range, and only those', async () => {
    // 09:30 to 11:30 local holds the hours starting 10:00 and 11:00.
    const out = await report('startDate=2025-09-07&startTime=09:30:00&endDate=2025-09-07&endTime=11:30:00&bom=0');
    const from = DateTime.fromISO('2025-09-07T09:30:00', { zone: TZ }).toSeconds();
    const to = DateTime.fromISO('2025-09-07T11:30:00', { zone: TZ }).toSeconds();
    const kept = rows.filter((r) => r.hourStart >= from && r.hourStart < to);
    expect(new Set(kept.map((r) => r.hourStart)).size).toBe(2);
    expect(out.bytes.toString()).toBe(expectedCsv(kept, AGENTS, false));
  });
});

describe('CSV encoder', () => {
  async function encode(encoder: import('node:stream').Transform, records: string[][]): Promise<string> {
    const sink = new Sink();
    const done = new Promise<void>((resolve, reject) => sink.on('finish', resolve).on('error', reject));
    encoder.pipe(sink);
    for (const r of records) encoder.write(r);
    encoder.end();
    await done;
    return sink.bytes.toString('utf8');
  }

  // csv-stringify quotes a CR or LF alone only when asked (its default quotes CRLF)
  const referenceCsvEncoder = (params: { bom: boolean }, headers: string[]) =>
    stringify({ header: true, columns: headers, bom: params.bom, record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ });

  it('writes what csv-stringify writes, for awkward fields, with and without the mark, across batches', async () => {
    const awkward = ['', ' ', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\ronly', 'crlf\r\nend', '\r\n', ',',
      " 'lead", '=1+1', 'ünï ✓ 😀', 'tab\there', 'end,', '"start', 'x'.repeat(300)];
    const headers = ['A', 'B,c', 'D "q"'];
    const records: string[][] = [];
    for (let i = 0; i < 3000; i++) records.push([awkward[i % awkward.length]!, awkward[(i * 7 + 3) % awkward.length]!, String(i)]);
    for (const bom of [true, false]) {
      for (const rows of [[], records.slice(0, 5), records]) {
        const ours = await encode(csvEncoder({ bom }, headers, 1024), rows);
        const theirs = await encode(referenceCsvEncoder({ bom }, headers), rows);
        expect(ours).toBe(theirs);
      }
    }
  });
});
