// Retries with exponential backoff and full jitter (the exponential-backoff package). A
// 429's Retry-After is waited out before the next attempt; an abort stops retrying.
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
  return backOff(fn, {
    numOfAttempts: opts.attempts ?? 8,
    startingDelay: opts.startingDelayMs ?? 250,
    timeMultiple: 2,
    maxDelay: opts.maxDelayMs ?? 15_000,
    jitter: 'full',
    delayFirstAttempt: false,
    retry: async (err: unknown) => {
      if (signal?.aborted) return false;
      if (!(err instanceof UpstreamError) || !err.transient) return false;
      if (err.retryAfterMs !== null) await sleep(Math.min(err.retryAfterMs, opts.maxRetryAfterMs ?? 120_000), signal);
      return !signal?.aborted;
    },
  });
}
