// What the outside sees of upstream calls: each attempt moves the request metrics, and each
// retry is logged when it happens (status or error code, the call, the attempt, the wait),
// so an unreachable or failing upstream shows at once rather than after the last attempt.
// Messages are scrubbed by the caller's scrubber and again by the logger.
import type { Logger } from '../log.ts';
import { statusLabel, upstreamDuration, upstreamRequests, upstreamRetries } from '../metrics.ts';
import type { FetchLog } from './fetch-log.ts';
import type { RetryInfo } from './retry.ts';
import { isoUtc } from '../time.ts';


/** The same fetch log, with every attempt also counted in the metrics. */
export function observedFetchLog(inner: FetchLog): FetchLog {
  return {
    add(entry) {
      upstreamRequests.inc({ endpoint: entry.endpoint, status: statusLabel(entry.status, entry.error) });
      upstreamDuration.observe({ endpoint: entry.endpoint }, entry.durationMs / 1000);
      inner.add(entry);
    },
    flush: () => inner.flush(),
  };
}

/** An onRetry for withRetry that logs the retry as a warning and counts it. */
export function retryReporter(log: Logger | undefined, endpoint: string, fromTs: number | null, toTs: number | null, scrub: (m: string) => string): (info: RetryInfo) => void {
  return ({ error, attempt, attempts, waitMs }) => {
    upstreamRetries.inc({ endpoint });
    log?.warn('upstream call failed; retrying', {
      call: fromTs === null || toTs === null ? endpoint : `${endpoint} [${isoUtc(fromTs)}, ${isoUtc(toTs)})`,
      status: statusLabel(error.status, error.message),
      attempt: `${attempt}/${attempts}`,
      wait_ms: waitMs,
      error: scrub(error.message),
    });
  };
}
