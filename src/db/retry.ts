// What to do when InnoDB gives up on a piece of work because of another one's locks: a
// deadlock (it rolled back one of the two transactions) or a lock wait that ran out
// (innodb_lock_wait_timeout). Both mean "run it again", which is safe here because every
// piece of work retried is idempotent: a window's transaction, a call of the transform.
// One policy for both. It is the loader's, the more forgiving of the two there were (the
// transform's was three tries with no pause): a backfill aggregates while its windows
// still load, so the transform meets the same conflicts the windows do, and a short,
// growing pause lets the other transaction finish instead of colliding with it again.

const ER_LOCK_DEADLOCK = 'ER_LOCK_DEADLOCK';
const ER_LOCK_WAIT_TIMEOUT = 'ER_LOCK_WAIT_TIMEOUT';

/** The error codes after which the same work is run again. */
const RETRYABLE: ReadonlySet<string> = new Set([ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT]);

/** Tries in all, the first included. */
export const LOCK_CONFLICT_ATTEMPTS = 5;

/** The pause before try `attempt + 1`: grows with each try, with jitter so two retries do not meet again. */
function pauseMs(attempt: number): number {
  return 20 * attempt + Math.random() * 50;
}

function isLockConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs `work` (given the attempt, from 1) until it succeeds, throws an error that is not a
 * lock conflict, or has failed LOCK_CONFLICT_ATTEMPTS times; then its last error is thrown.
 * `work` must undo its own partial effects before it throws (roll back).
 */
export async function retryLockConflicts<T>(work: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (attempt >= LOCK_CONFLICT_ATTEMPTS || !isLockConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, pauseMs(attempt)));
    }
  }
}
