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

/**
 * Runs `fn` until it succeeds, fails for good, or `signal` aborts. An abort ends the wait
 * at once, with the signal's reason, even in the middle of a backoff delay.
 */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions, signal?: AbortSignal): Promise<T> {
  const attempts = retrying(fn, opts, signal);
  if (signal === undefined) return attempts;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new UpstreamError('aborted', false));
    if (signal.aborted) {
      attempts.catch(() => {});
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    attempts.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function retrying<T>(fn: () => Promise<T>, opts: RetryOptions, signal?: AbortSignal): Promise<T> {
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
