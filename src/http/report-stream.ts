// Report responses are long streams that each hold a database connection, so a few
// clients that never read could hold them all. This module bounds them, whatever the
// format: at most REPORT_MAX_STREAMS at once (more get 503 with Retry-After), at most
// REPORT_MAX_STREAMS_PER_CLIENT of them for one client (its token, else its address), each
// cut when its client takes no bytes for REPORT_IDLE_TIMEOUT_S or fewer than
// REPORT_MIN_BYTES_PER_S over that long, all cut at shutdown. A cut response is
// destroyed, so the client sees an incomplete body, never one that looks whole.
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
  /** Streams one client holds at once. */
  maxPerClient: number;
  /** A stream whose client takes no bytes for this long is cut, ms. */
  idleTimeoutMs: number;
  /** A stream whose client takes fewer bytes a second than this over idleTimeoutMs is cut; 0: never. */
  minBytesPerS: number;
}

/** Why a stream was cut before its end (the label of apr_report_streams_cut_total). */
type CutReason = 'idle' | 'slow' | 'gone' | 'shutdown';

/** A slot for the writer (its signal is aborted when the stream is cut), or why there is none. */
export type Admission = { signal: AbortSignal; refused?: undefined } | { refused: 'limit' | 'client'; message: string };

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
  /** Who holds it (a token's name or an address), for the per-client cap. */
  client: string;
  /** Aborts the writer and destroys the response; frees the slot. */
  cut(reason: CutReason): void;
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
   * Takes a slot for `res`, streamed to `client` (described as `who` in a refusal), and
   * watches it until it or its connection closes. Refused when every slot is taken, or
   * when this client holds its share already: the caller answers 503 with the message (see
   * RETRY_AFTER_S). Otherwise the signal the writer must stop on: it is aborted whenever
   * the stream is cut.
   */
  admit(req: IncomingMessage, res: ServerResponse, client: string, who: string): Admission {
    if (this.open.size >= this.limits.maxStreams) {
      this.refusedAt = Date.now();
      reportStreamsRefused.inc({ reason: 'limit' });
      return { refused: 'limit', message: `${this.open.size} reports are being streamed, the most REPORT_MAX_STREAMS allows: retry in ${RETRY_AFTER_S} s` };
    }
    const held = [...this.open].filter((s) => s.client === client).length;
    if (held >= this.limits.maxPerClient) {
      reportStreamsRefused.inc({ reason: 'client' });
      return {
        refused: 'client',
        message: `${who} already receives ${held} reports, the most REPORT_MAX_STREAMS_PER_CLIENT allows one client: read or close those, or retry in ${RETRY_AFTER_S} s`,
      };
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
      client,
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
    const stopWatching = this.watchClient(req, slot);
    res.once('close', free);
    if (socket.destroyed) slot.cut('gone');
    else socket.once('close', onSocketClose);
    return { signal: controller.signal };
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
   * idleTimeoutMs, or fewer than minBytesPerS a second over that long: the time counts
   * only while bytes wait for the client throughout (sampled every tick), so a slow
   * database (nothing to send yet) is not the client's fault.
   */
  private watchClient(req: IncomingMessage, slot: Slot): () => void {
    const res = slot.res;
    const { idleTimeoutMs: idleMs, minBytesPerS } = this.limits;
    let lastSent = -1;
    let lastProgress = Date.now();
    // the stretch during which bytes have waited at every tick, and what was sent at its start
    let since = lastProgress;
    let sentSince = 0;
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
        if (!waiting) {
          since = now;
          sentSince = sent;
        }
        if (!waiting || sent !== lastSent) {
          lastSent = sent;
          lastProgress = now;
        }
        if (now - lastProgress >= idleMs) {
          this.log.warn('report client took no bytes: response cut, its database connection returned', {
            idle_s: Math.round((now - lastProgress) / 1000),
            limit: 'REPORT_IDLE_TIMEOUT_S',
            sent_bytes: sent,
          });
          return slot.cut('idle');
        }
        if (minBytesPerS === 0 || now - since < idleMs) return;
        const rate = ((sent - sentSince) * 1000) / (now - since);
        if (rate >= minBytesPerS) {
          since = now;
          sentSince = sent;
          return;
        }
        this.log.warn('report client took too few bytes a second: response cut, its database connection returned', {
          bytes_per_s: Math.round(rate),
          over_s: Math.round((now - since) / 1000),
          limit: 'REPORT_MIN_BYTES_PER_S',
          sent_bytes: sent,
        });
        slot.cut('slow');
      },
      Math.max(50, Math.min(1000, Math.floor(idleMs / 4))),
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
