// The HTTP layer: one undici Agent with connect, header and body timeouts, and a cap on
// requests in flight so that split windows and concurrent windows do not flood the API.
// Each call also has an overall deadline (headers and whole body: an upstream that
// trickles a byte now and then never trips undici's idle timeouts) and a body size cap.
import type { Dispatcher } from 'undici';
import { Agent, request } from './undici.ts';
import { UpstreamError, networkError } from './errors.ts';

export interface HttpOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Requests in flight at once (default 6). */
  maxInFlight?: number;
  /** Longest one call may take, headers and body (UPSTREAM_CALL_TIMEOUT_S; default 60 s). */
  callTimeoutMs?: number;
  /** Largest response body (UPSTREAM_MAX_BODY_MB; default 32 MB). */
  maxBodyBytes?: number;
}

const MB = 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A counting semaphore. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export class Http {
  private readonly agent: Agent;
  private readonly slots: Slots;
  private readonly callTimeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(opts: HttpOptions = {}) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 32 * MB;
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
      headersTimeout: opts.headersTimeoutMs ?? 60_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 120_000,
      keepAliveTimeout: 10_000,
      connections: (opts.maxInFlight ?? 6) + 2,
    });
    this.slots = new Slots(opts.maxInFlight ?? 6);
  }

  /** One request; network and body errors become UpstreamError (transient where it makes sense). */
  async send(
    url: string,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal?: AbortSignal },
    what: string,
  ): Promise<HttpResponse> {
    await this.slots.take();
    // The deadline starts once the call is sent, not while it waits for a slot.
    const deadline = AbortSignal.timeout(this.callTimeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const res = await request(url, { ...init, signal, dispatcher: this.agent as Dispatcher });
      return { status: res.statusCode, headers: res.headers, text: await this.readBody(res, what) };
    } catch (err) {
      // A window's deadline (or a stop) carries its own message as the abort reason.
      if (init.signal?.aborted && init.signal.reason instanceof UpstreamError) throw init.signal.reason;
      if (deadline.aborted && !init.signal?.aborted) {
        const e = new UpstreamError(
          `${what}: no complete response within ${this.callTimeoutMs / 1000} s (UPSTREAM_CALL_TIMEOUT_S): this attempt is given up`,
          true,
          null,
          null,
          { cause: err },
        );
        e.limit = 'UPSTREAM_CALL_TIMEOUT_S';
        throw e;
      }
      throw networkError(err, what);
    } finally {
      this.slots.give();
    }
  }

  /** The body as text, refusing one over maxBodyBytes before it fills memory. */
  private async readBody(res: Dispatcher.ResponseData, what: string): Promise<string> {
    const tooBig = (size: string) => {
      res.body.destroy();
      const e = new UpstreamError(
        `${what}: the response body is ${size}, over UPSTREAM_MAX_BODY_MB=${this.maxBodyBytes / MB}: the call fails; raise UPSTREAM_MAX_BODY_MB if the upstream really sends that much`,
        false,
        res.statusCode,
      );
      e.limit = 'UPSTREAM_MAX_BODY_MB';
      return e;
    };
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) throw tooBig(`${(declared / MB).toFixed(1)} MB`);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxBodyBytes) throw tooBig('larger');
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw networkError(err, `${what}: reading the body`);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
