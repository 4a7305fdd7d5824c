// Retries with exponential backoff and full jitter (the exponential-backoff package drives
// the attempts; the wait is drawn here so that it can be reported). A 429's Retry-After is
// waited out instead; an abort stops retrying. Every retry is reported to `onRetry` when
// it happens (the client logs it and counts it).
import { backOff } from 'exponential-backoff';
import { UpstreamError } from './errors.ts';

export interface RetryOptions {
  /** Attempts per call, the first included (default 8). */
  attempts?: number;
  /** First backoff delay, ms (default 250); doubles each time. */
  startingDelayMs?: number;
  /** Longest backoff delay, ms (default 15 s). */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, ms (default 120 s). */
  maxRetryAfterMs?: number;
  /** Called before each wait: the failure, the attempt that failed, of how many, the wait. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  error: UpstreamError;
  attempt: number;
  attempts: number;
  waitMs: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions, signal?: AbortSignal): Promise<T> {
  const attempts = opts.attempts ?? 8;
  const start = opts.startingDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 15_000;
  return backOff(fn, {
    numOfAttempts: attempts,
    startingDelay: 0,
    delayFirstAttempt: false,
    retry: async (err: unknown, attempt: number) => {
      if (signal?.aborted) return false;
      if (!(err instanceof UpstreamError) || !err.transient) return false;
      if (attempt >= attempts) return false;
      const waitMs =
        err.retryAfterMs !== null
          ? Math.min(err.retryAfterMs, opts.maxRetryAfterMs ?? 120_000)
          : Math.round(Math.random() * Math.min(max, start * 2 ** (attempt - 1)));
      opts.onRetry?.({ error: err, attempt, attempts, waitMs });
      await sleep(waitMs, signal);
      return !signal?.aborted;
    },
  });
}
