// Report responses are long streams that each hold a database connection, so a few
// clients that never read could hold them all. This module bounds them, whatever the
// format: at most REPORT_MAX_STREAMS at once (more get 503 with Retry-After), each cut
// when its client takes no bytes for REPORT_IDLE_TIMEOUT_S, all cut at shutdown. A cut
// response is destroyed, so the client sees an incomplete body, never one that looks whole.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';

export interface ReportStreamLimits {
  /** Streams served at once. */
  maxStreams: number;
  /** A stream whose client takes no bytes for this long is cut, ms. */
  idleTimeoutMs: number;
}

/** Seconds a refused client is asked to wait (Retry-After). */
export const RETRY_AFTER_S = 5;

export class ReportStreams {
  private readonly open = new Set<ServerResponse>();
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
   * Takes a slot for `res` and watches it until it closes. False when every slot is taken:
   * the caller answers 503 (see RETRY_AFTER_S).
   */
  admit(res: ServerResponse): boolean {
    if (this.open.size >= this.limits.maxStreams) {
      this.refusedAt = Date.now();
      return false;
    }
    this.open.add(res);
    const stopWatching = this.watchIdle(res);
    res.once('close', () => {
      stopWatching();
      this.open.delete(res);
    });
    return true;
  }

  /** Cuts every open stream (shutdown). */
  closeAll(reason: string): void {
    for (const res of this.open) {
      this.log.warn('report stream cut', { reason });
      res.destroy();
    }
  }

  /**
   * Cuts `res` when bytes wait to be sent and none has been taken by the client for
   * idleTimeoutMs. A slow database (nothing to send yet) is not the client's fault.
   */
  private watchIdle(res: ServerResponse): () => void {
    const idleMs = this.limits.idleTimeoutMs;
    let lastSent = -1;
    let lastProgress = Date.now();
    const timer = setInterval(
      () => {
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
          res.destroy();
        }
      },
      Math.max(50, Math.min(1000, Math.floor(idleMs / 4))),
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
