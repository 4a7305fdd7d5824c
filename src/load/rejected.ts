// Records that cannot go into the timeline (SPEC §2), kept with the reason and the raw
// record where an operator can see them. The hash makes a re-fetch not double them.
import { createHash } from 'node:crypto';
import type { Rejected } from '../types.ts';
import { lit, queryRaw, type Db } from './db.ts';

const BATCH = 500;

export function rejectedHash(r: Rejected, rawJson: string): string {
  return createHash('sha256').update(r.endpoint).update('\u0000').update(r.reason).update('\u0000').update(rawJson).digest('hex');
}

/** Inserts rejected records seen in the window [fromTs, toTs). Returns how many were new. */
export async function insertRejected(db: Db, rejected: Rejected[], fromTs: number | null, toTs: number | null): Promise<number> {
  let added = 0;
  for (let i = 0; i < rejected.length; i += BATCH) {
    const rows = rejected.slice(i, i + BATCH).map((r) => {
      const raw = JSON.stringify(r.raw) ?? 'null';
      return `(${lit(r.endpoint)},${lit(r.reason.slice(0, 255))},${lit(raw)},${lit(rejectedHash(r, raw))},${lit(fromTs)},${lit(toTs)})`;
    });
    const [res] = (await queryRaw(db, 'INSERT IGNORE INTO rejected_records (endpoint, reason, raw, record_hash, from_ts, to_ts) VALUES ?', rows.join(','))) as [unknown];
    added += (res as { affectedRows: number }).affectedRows;
  }
  return added;
}
