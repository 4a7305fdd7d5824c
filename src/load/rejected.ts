// Records that cannot go into the timeline (rules §2), kept with the reason and the raw
// record where an operator can see them. The hash makes a re-fetch not double them.
import { createHash } from 'node:crypto';
import type { Rejected } from '../types.ts';
import { boundedJson } from '../json-bounds.ts';
import { lit, queryRaw, MAX_STATEMENT_BYTES, type Db } from '../db/query.ts';

const BATCH = 500;
/** Longest raw record kept, characters: a huge one is cut (its hash still covers all of it). */
export const MAX_RAW_CHARS = 64 * 1024;

function kept(raw: string): string {
  return raw.length <= MAX_RAW_CHARS ? raw : `${raw.slice(0, MAX_RAW_CHARS)}… (cut: ${raw.length} characters in all)`;
}

function rejectedHash(r: Rejected, rawJson: string): string {
  return createHash('sha256').update(r.endpoint).update('\u0000').update(r.reason).update('\u0000').update(rawJson).digest('hex');
}

/** Inserts rejected records seen in the window [fromTs, toTs). Returns how many were new. */
export async function insertRejected(db: Db, rejected: Rejected[], fromTs: number | null, toTs: number | null): Promise<number> {
  let added = 0;
  let rows: string[] = [];
  let size = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    const [res] = (await queryRaw(db, 'INSERT IGNORE INTO rejected_records (endpoint, reason, raw, record_hash, from_ts, to_ts) VALUES ?', rows.join(','))) as [unknown];
    added += (res as { affectedRows: number }).affectedRows;
    rows = [];
    size = 0;
  };
  for (const r of rejected) {
    // a record rejected for any reason may be nested to any depth: kept bounded
    const raw = r.raw === undefined ? 'null' : boundedJson(r.raw);
    const row = `(${lit(r.endpoint)},${lit(r.reason.slice(0, 255))},${lit(kept(raw))},${lit(rejectedHash(r, raw))},${lit(fromTs)},${lit(toTs)})`;
    // bounded by rows and by bytes, so a batch of large records stays under max_allowed_packet
    if (rows.length >= BATCH || size + row.length > MAX_STATEMENT_BYTES) await flush();
    rows.push(row);
    size += row.length;
  }
  await flush();
  return added;
}
