// What every destination is given, and how it fails: a transient failure (a network
// error, a 5xx, a 4xx SMTP reply, a full disk) is retried with backoff; a permanent one (a
// refused login, a 4xx HTTP answer, a folder not writable) is not, since asking again
// gets the same answer.
import type { Produced } from '../produce.ts';

export interface Delivery {
  schedule: string;
  produced: Produced;
  /** The same for every attempt of one run's delivery to one destination, across restarts. */
  idempotencyKey: string;
  /** "2025-09-07 00:00 to 2025-09-08 00:00 (Asia/Dubai)". */
  rangeLabel: string;
  /** The data horizon as local time, or 'nothing loaded'. */
  horizonLabel: string;
  /** The Not Loaded hours of the range, said plainly; null when the range is fully loaded. */
  notLoaded: string | null;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A short text every destination can carry: range, rows, horizon and any Not Loaded note. */
export function summaryLines(d: Delivery): string[] {
  const p = d.produced;
  return [
    `Range: ${d.rangeLabel}`,
    `Rows: ${p.rows}`,
    `Data loaded up to: ${d.horizonLabel}`,
    ...(d.notLoaded === null ? [] : [`NOT COMPLETE: ${d.notLoaded}`]),
    `The same file from the API: GET ${p.apiPath}`,
  ];
}
