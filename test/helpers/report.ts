// Helpers for the report tests: agent_activity rows inserted directly (the transform is
// tested elsewhere), a server started on an ephemeral port, and a fetch that keeps bytes.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Pool } from 'mysql2/promise';
import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';

export const CATEGORY_COLUMNS = [
  'idle_s',
  'talk_s',
  'hold_s',
  'wrap_s',
  'login_s',
  'logoff_s',
  'dnd_s',
  'meeting_s',
  'training_s',
  'chat_s',
  'tickets_s',
  'outbound_s',
  'lunch_s',
  'tea_s',
  'bio_s',
  'short_break_s',
  'other_npt_s',
] as const;
export type Category = (typeof CATEGORY_COLUMNS)[number];

export interface ActivityInput extends Partial<Record<Category, number>> {
  /** UTC epoch seconds of a report_hours.hour_start. */
  hourStart: number;
  ext: string;
  total_calls?: number;
  answered_calls?: number;
}

/**
 * Inserts agent_activity rows for existing report hours; offline_s takes what the given
 * categories leave of the whole hour (counted_s = the hour's length), so conservation holds.
 * Each row's hour is recorded as loaded (loaded_windows), as the loader would have.
 */
export async function insertActivity(pool: Pool, rows: ActivityInput[], opts: { markLoaded?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return;
  const [hours] = await pool.query('SELECT hour_start, hour_end, local_start, local_end FROM report_hours WHERE hour_start IN (?)', [
    [...new Set(rows.map((r) => r.hourStart))],
  ]);
  const byStart = new Map((hours as { hour_start: number; hour_end: number; local_start: string; local_end: string }[]).map((h) => [Number(h.hour_start), h]));
  const values = rows.map((r) => {
    const h = byStart.get(r.hourStart);
    if (!h) throw new Error(`no report hour starts at ${r.hourStart}`);
    const counted = Number(h.hour_end) - r.hourStart;
    const cats = CATEGORY_COLUMNS.map((c) => r[c] ?? 0);
    const offline = counted - cats.reduce((a, b) => a + b, 0);
    if (offline < 0) throw new Error(`categories of ${r.ext} at ${r.hourStart} exceed the hour`);
    return [r.hourStart, r.ext, h.hour_end, h.local_start, h.local_end, counted, ...cats, offline, r.total_calls ?? 0, r.answered_calls ?? 0];
  });
  await pool.query(
    `INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s, ${CATEGORY_COLUMNS.join(', ')}, offline_s, total_calls, answered_calls) VALUES ?`,
    [values],
  );
  if (opts.markLoaded === false) return;
  await pool.query('INSERT INTO loaded_windows (from_ts, to_ts, source) VALUES ?', [
    [...byStart.values()].map((h) => [Number(h.hour_start), Number(h.hour_end), 'backfill']),
  ]);
}

export async function setAgent(pool: Pool, ext: string, name: string | null, statsName: string | null = null): Promise<void> {
  await pool.query(
    'INSERT INTO agents (ext, name, stats_name) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), stats_name = VALUES(stats_name)',
    [ext, name, statsName],
  );
}

export async function setHorizon(pool: Pool, horizon: number | null): Promise<void> {
  await pool.query('UPDATE collector_state SET horizon = ? WHERE id = 1', [horizon]);
}

/** Report hours (hour_start) whose local start lies in [fromLocal, toLocal), in order. */
export async function hourStarts(pool: Pool, fromLocal: string, toLocal: string): Promise<number[]> {
  const [rows] = await pool.query('SELECT hour_start FROM report_hours WHERE local_start >= ? AND local_start < ? ORDER BY hour_start', [fromLocal, toLocal]);
  return (rows as { hour_start: number }[]).map((r) => Number(r.hour_start));
}

/** A Config for a test database, from defaults plus `env`. */
/** The worked example's agent_activity rows (rules §6) as the transform produces them; returns the two hour starts. */
export async function seedWorkedExampleActivity(pool: Pool): Promise<number[]> {
  const hours = await hourStarts(pool, '2025-09-07 09:00:00', '2025-09-07 11:00:00');
  await setAgent(pool, '4101', 'Layla Menon');
  await insertActivity(pool, [
    { hourStart: hours[0]!, ext: '4101', login_s: 300, idle_s: 1740, talk_s: 480, hold_s: 120, wrap_s: 59, lunch_s: 900, total_calls: 3, answered_calls: 1 },
    { hourStart: hours[1]!, ext: '4101', lunch_s: 900, tickets_s: 1500, other_npt_s: 600, idle_s: 600 },
  ]);
  return hours;
}

export function testConfig(databaseUrl: string, reportTz: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, REPORT_TZ: reportTz, PORT: '0', HOST: '127.0.0.1', ...env });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json(): unknown;
}

/**
 * GET with the body as bytes (fetch would strip the BOM when decoding). `localAddress`:
 * another loopback address (127.0.0.2, ...) to be another client than 127.0.0.1.
 */
export function get(url: string, headers: Record<string, string> = {}, method = 'GET', localAddress?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(u, { method, headers, rejectUnauthorized: false, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Fills agent_activity in one INSERT ... SELECT: every report hour with local start in
 * [fromLocal, toLocal) × `agents` extensions (1001, 1002, ...), with varied figures that
 * keep conservation. Returns the number of rows inserted.
 */
export async function insertBulkActivity(pool: Pool, fromLocal: string, toLocal: string, agents: number): Promise<number> {
  const [res] = await pool.query(
    `INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s,
       idle_s, talk_s, hold_s, wrap_s, lunch_s, tickets_s, offline_s, total_calls, answered_calls)
     SELECT h.hour_start, CAST(1000 + n.i AS CHAR), h.hour_end, h.local_start, h.local_end, h.hour_end - h.hour_start,
       (h.hour_start DIV 3600 + n.i * 7) % 900,
       (h.hour_start DIV 3600 + n.i * 13) % 700,
       (h.hour_start DIV 3600 + n.i) % 120,
       (h.hour_start DIV 3600 + n.i * 3) % 300,
       (n.i * 11) % 600,
       (h.hour_start DIV 3600) % 400,
       (h.hour_end - h.hour_start) - ((h.hour_start DIV 3600 + n.i * 7) % 900) - ((h.hour_start DIV 3600 + n.i * 13) % 700)
         - ((h.hour_start DIV 3600 + n.i) % 120) - ((h.hour_start DIV 3600 + n.i * 3) % 300) - ((n.i * 11) % 600) - ((h.hour_start DIV 3600) % 400),
       (h.hour_start DIV 3600 + n.i) % 9,
       (h.hour_start DIV 3600 + n.i * 5) % 9 % ((h.hour_start DIV 3600 + n.i) % 9 + 1)
     FROM report_hours h
     CROSS JOIN (
       WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
       SELECT i FROM seq
     ) n
     WHERE h.local_start >= ? AND h.local_start < ?`,
    [agents, fromLocal, toLocal],
  );
  await pool.query(
    `INSERT INTO loaded_windows (from_ts, to_ts, source)
     SELECT MIN(hour_start), MAX(hour_end), 'backfill' FROM report_hours WHERE local_start >= ? AND local_start < ? HAVING COUNT(*) > 0`,
    [fromLocal, toLocal],
  );
  return (res as { affectedRows: number }).affectedRows;
}

/** RFC 4180 CSV text (CRLF, quotes doubled inside quoted fields) as rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
