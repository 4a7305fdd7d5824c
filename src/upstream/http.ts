// The HTTP layer: one undici Agent with connect, header and body timeouts, and a cap on
// requests in flight so that split windows and concurrent windows do not flood the API.
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { networkError } from './errors.ts';

export interface HttpOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Requests in flight at once (default 6). */
  maxInFlight?: number;
}

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

  constructor(opts: HttpOptions = {}) {
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
    try {
      const res = await request(url, { ...init, dispatcher: this.agent as Dispatcher });
      let text: string;
      try {
        text = await res.body.text();
      } catch (err) {
        throw networkError(err, `${what}: reading the body`);
      }
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      throw networkError(err, what);
    } finally {
      this.slots.give();
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
