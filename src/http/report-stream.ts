// Report responses are long streams that each hold a database connection, so a few
// clients that never read could hold them all. This module bounds them, whatever the
// format: at most REPORT_MAX_STREAMS at once (more get 503 with Retry-After), each cut
// when its client takes no bytes for REPORT_IDLE_TIMEOUT_S, all cut at shutdown. A cut
// response is destroyed, so the client sees an incomplete body, never one that looks whole.
// A response queued behind another on a pipelined connection has no socket of its own and
// never emits 'close' when the client hangs up: the slot is watched through the request's
// socket too, and a cut aborts the writer (its signal), which a socketless response would
// otherwise keep waiting on forever.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { reportStreamsCut, reportStreamsRefused } from '../metrics.ts';

export interface ReportStreamLimits {
  /** Streams served at once. */
  maxStreams: number;
  /** A stream whose client takes no bytes for this long is cut, ms. */
  idleTimeoutMs: number;
}

/**
 * Cuts a response so its client knows at once: a reset, which also drops what the kernel
 * still holds for it, where a plain close would first deliver megabytes already sent to
 * a slow reader and only then show the body incomplete.
 */
export function cutResponse(res: ServerResponse): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) socket.resetAndDestroy();
  res.destroy();
}

/** Seconds a refused client is asked to wait (Retry-After). */
export const RETRY_AFTER_S = 5;

interface Slot {
  res: ServerResponse;
  /** Aborts the writer and destroys the response; frees the slot. */
  cut(reason: 'idle' | 'gone' | 'shutdown'): void;
}

export class ReportStreams {
  private readonly open = new Set<Slot>();
  private refusedAt = 0;

  constructor(
    readonly limits: ReportStreamLimits,
    private readonly log: Logger,
  ) {}

  get active(): number {
    return this.open.size;
  }

  /** Why reports are not served as asked right now, or undefined when they are. */
  pressure(now = Date.now()): string | undefined {
    if (this.open.size >= this.limits.maxStreams) {
      return `report streams at the limit (${this.open.size} of REPORT_MAX_STREAMS=${this.limits.maxStreams}): new reports get 503`;
    }
    if (now - this.refusedAt < 60_000) return 'report requests were refused with 503 in the last minute (REPORT_MAX_STREAMS reached)';
    return undefined;
  }

  /**
   * Takes a slot for `res` and watches it until it or its connection closes. Undefined
   * when every slot is taken: the caller answers 503 (see RETRY_AFTER_S). Otherwise the
   * signal the writer must stop on: it is aborted whenever the stream is cut.
   */
  admit(req: IncomingMessage, res: ServerResponse): AbortSignal | undefined {
    if (this.open.size >= this.limits.maxStreams) {
      this.refusedAt = Date.now();
      reportStreamsRefused.inc();
      return undefined;
    }
    const controller = new AbortController();
    const socket = req.socket;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      stopWatching();
      socket.off('close', onSocketClose);
      this.open.delete(slot);
    };
    const slot: Slot = {
      res,
      cut: (reason) => {
        if (freed) return;
        reportStreamsCut.inc({ reason });
        free();
        controller.abort(Object.assign(new Error('the report stream was cut'), { code: 'ABORT_ERR' }));
        cutResponse(res);
      },
    };
    const onSocketClose = () => slot.cut('gone');
    this.open.add(slot);
    const stopWatching = this.watchIdle(req, slot);
    res.once('close', free);
    if (socket.destroyed) slot.cut('gone');
    else socket.once('close', onSocketClose);
    return controller.signal;
  }

  /** Cuts every open stream (shutdown). */
  closeAll(reason: string): void {
    for (const slot of [...this.open]) {
      this.log.warn('report stream cut', { reason });
      slot.cut('shutdown');
    }
  }

  /**
   * Cuts `res` when bytes wait to be sent and none has been taken by the client for
   * idleTimeoutMs. A slow database (nothing to send yet) is not the client's fault.
   */
  private watchIdle(req: IncomingMessage, slot: Slot): () => void {
    const res = slot.res;
    const idleMs = this.limits.idleTimeoutMs;
    let lastSent = -1;
    let lastProgress = Date.now();
    const timer = setInterval(
      () => {
        // a queued response whose connection is gone has nothing left to wait for
        if (req.socket.destroyed) return slot.cut('gone');
        const socket = res.socket;
        if (socket === null || res.destroyed) return;
        // bytesWritten counts bytes queued too; what is still queued is writableLength.
        const sent = socket.bytesWritten - socket.writableLength;
        const waiting = res.writableLength > 0 || socket.writableLength > 0;
        const now = Date.now();
        if (!waiting || sent !== lastSent) {
          lastSent = sent;
          lastProgress = now;
          return;
        }
        if (now - lastProgress >= idleMs) {
          this.log.warn('report client took no bytes: response cut, its database connection returned', {
            idle_s: Math.round((now - lastProgress) / 1000),
            limit: 'REPORT_IDLE_TIMEOUT_S',
            sent_bytes: sent,
          });
          slot.cut('idle');
        }
      },
      Math.max(50, Math.min(1000, Math.floor(idleMs / 4))),
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
