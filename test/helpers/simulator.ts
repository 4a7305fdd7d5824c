// Shared pieces of the extract tests: a simulator on a local port, a config and a client
// pointing at it (short retry delays), digests of the loaded tables, the reference rows.
import { createHash } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config.ts';
import { Upstream } from '../../src/upstream/client.ts';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/server.ts';
import { referenceActivity, SECONDS_COLUMNS, type RefRow, type RefStretch } from '../reference/model.ts';
import { rows } from './database.ts';

/** 2025-09-10 00:00 UTC: the simulated "now" of most tests. */
export const SIM_NOW = Date.UTC(2025, 8, 10) / 1000;
export const PASSWORD = 'pw-Extract-7f3a9c';
export const CREDENTIALS = { tenant: 'acme', username: 'collector', password: PASSWORD };
export const ACCOUNT = 'acct-42';

export function simulator(opts: Partial<SimulatorOptions> & { agents: number }): Promise<SimulatorHandle> {
  return startSimulator({ seed: 7, now: () => SIM_NOW, days: 2, credentials: CREDENTIALS, accountId: ACCOUNT, ...opts });
}

export function configFor(databaseUrl: string, reportTz: string, sim: SimulatorHandle, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REPORT_TZ: reportTz,
    API_BASE: sim.url,
    API_USERNAME: CREDENTIALS.username,
    API_PASSWORD: PASSWORD,
    TENANT: CREDENTIALS.tenant,
    ACCOUNT_ID: ACCOUNT,
    ...extra,
  });
}

/** A client with quick retries, so fault tests do not wait long. */
export function clientFor(sim: SimulatorHandle, pageSize = 2000, extra: { attempts?: number; headersTimeoutMs?: number } = {}): Upstream {
  return new Upstream({
    baseUrl: sim.url,
    ...CREDENTIALS,
    accountId: ACCOUNT,
    pageSize,
    retry: { attempts: extra.attempts ?? 10, startingDelayMs: 5, maxDelayMs: 100 },
    http: { headersTimeoutMs: extra.headersTimeoutMs ?? 10_000, bodyTimeoutMs: 10_000, maxInFlight: 8 },
  });
}

const DIGEST_QUERIES: Record<string, string> = {
  agent_events: 'SELECT ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp, CAST(extra AS CHAR) AS extra FROM agent_events ORDER BY ext, ts, seq',
  users_calls:
    'SELECT slot_start, hour_start, ext, fetched_to, name, total_calls, answered_calls, idle_time, wrap_up_time, hold_time, on_call_time, not_available_time, CAST(not_available_detailed_report AS CHAR) AS r FROM users_calls ORDER BY slot_start, ext',
  agent_activity: `SELECT hour_start, ext, hour_end, counted_s, not_loaded_s, ${SECONDS_COLUMNS.join(', ')}, total_calls, answered_calls FROM agent_activity ORDER BY hour_start, ext`,
  agent_slot_activity: `SELECT slot_start, ext, hour_start, counted_s, not_loaded_s, ${SECONDS_COLUMNS.join(', ')}, total_calls, answered_calls FROM agent_slot_activity ORDER BY slot_start, ext`,
  agents: 'SELECT ext, user_id, raw_name, name, name_ts, name_seq, stats_name, first_seen, last_seen FROM agents ORDER BY ext',
};

/** Row count and SHA-256 of the loaded tables' contents (timestamps of loading left out). */
export async function digests(pool: Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, sql] of Object.entries(DIGEST_QUERIES)) {
    const list = await rows(pool, sql);
    out[table] = `${list.length} rows ${createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** agent_activity as the reference model computes it from the simulator's own timeline. */
/**
 * The reference model's agent_activity for the simulator's timeline loaded over
 * [fromTs, horizon) as one stretch (or over the stretches given), for hours overlapping
 * [fromTs, toTs).
 */
export async function expectedActivity(pool: Pool, sim: SimulatorHandle, fromTs: number, toTs: number, loaded: number | RefStretch[]): Promise<RefRow[]> {
  const hours = (await rows<{ hour_start: number; hour_end: number }>(pool, 'SELECT hour_start, hour_end FROM report_hours WHERE hour_end > ? AND hour_start < ? ORDER BY hour_start', [fromTs, toTs])).map(
    (h) => ({ hourStart: Number(h.hour_start), hourEnd: Number(h.hour_end) }),
  );
  const stretches = typeof loaded === 'number' ? [{ from: fromTs, to: loaded }] : loaded;
  return referenceActivity(sim.timeline(fromTs, toTs), hours, stretches);
}

/** agent_activity's rows in the reference model's shape. */
export async function actualActivity(pool: Pool): Promise<RefRow[]> {
  const list = await rows<Record<string, number | string>>(
    pool,
    `SELECT hour_start, ext, counted_s, not_loaded_s, ${SECONDS_COLUMNS.join(', ')} FROM agent_activity ORDER BY hour_start, ext`,
  );
  return list.map((r) => {
    const row = { hourStart: Number(r.hour_start), ext: String(r.ext), counted_s: Number(r.counted_s), not_loaded_s: Number(r.not_loaded_s) } as RefRow;
    for (const c of SECONDS_COLUMNS) row[c] = Number(r[c]);
    return row;
  });
}

/** The single number a `SELECT COUNT(*) AS n ...` returns. */
export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const [r] = await rows<{ n: number }>(pool, sql, params);
  return Number(r?.n);
}
