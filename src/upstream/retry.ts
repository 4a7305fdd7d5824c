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
