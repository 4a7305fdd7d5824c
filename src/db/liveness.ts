// A watch on the database while work waits on it: a hung server (stopped, or its network
// gone silent) answers no query and mysql2 waits forever, so the work is given up once
// the server stops answering checks on a connection of their own.

const CHECK_EVERY_MS = 1000;
/** Checks in a row that time out (each waits up to its probe's timeout) before the database is taken for gone. */
const SLOW_CHECKS_TO_GIVE_UP = 3;

/**
 * Calls `onGone` once `alive` says the database is gone: at once for a refused or lost
 * connection, after SLOW_CHECKS_TO_GIVE_UP timed-out checks in a row for one merely silent
 * (a busy machine answers late, not never). Returns the function that stops watching.
 */
export function watchDatabase(alive: () => Promise<void>, onGone: (err: Error) => void): () => void {
  let checking = false;
  let slow = 0;
  let stopped = false;
  const timer = setInterval(() => {
    if (checking || stopped) return;
    checking = true;
    alive()
      .then(() => {
        slow = 0;
      })
      .catch((err: unknown) => {
        const timedOut = (err as { code?: unknown }).code === 'ETIMEDOUT' || /did not answer within/.test((err as Error).message);
        if (timedOut && ++slow < SLOW_CHECKS_TO_GIVE_UP) return;
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        onGone(err as Error);
      })
      .finally(() => {
        checking = false;
      });
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * `work`, or a rejection with code ETIMEDOUT (a database that does not answer) once the
 * watch gives the database up. Without `alive`, `work` as it is.
 */
export async function whileDatabaseAnswers<T>(work: Promise<T>, alive: (() => Promise<void>) | undefined): Promise<T> {
  if (alive === undefined) return work;
  let stop = () => {};
  const gone = new Promise<never>((_, reject) => {
    stop = watchDatabase(alive, (err) =>
      reject(Object.assign(new Error(`the database does not answer: ${err.message}`, { cause: err }), { code: 'ETIMEDOUT' })),
    );
  });
  try {
    return await Promise.race([work, gone]);
  } finally {
    stop();
    // (work that never ends after the database went away must not be an unhandled rejection later)
    work.catch(() => {});
  }
}

/**
 * Ends `conn`'s socket with an ETIMEDOUT error: the query it waits on rejects with it (a
 * plain close would wait for a server that does not answer), and the connection is not
 * reused.
 */
export function sever(conn: object, cause: Error): void {
  const core = (conn as { connection?: { stream?: { destroy(err: Error): void } } }).connection;
  core?.stream?.destroy(Object.assign(new Error(`the database does not answer: ${cause.message}`, { cause }), { code: 'ETIMEDOUT' }));
}
