// An HTTPS POST of the file (undici), signed: X-APR-Signature: sha256=<hex HMAC-SHA256 of
// the body with the schedule's secret>, so the receiver can tell the body is ours and
// whole. Idempotency-Key is the same on every attempt of one delivery, across restarts.
import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Agent, request } from 'undici';
import { DeliveryError, type Delivery } from './delivery.ts';

export interface WebhookSettings {
  /** TLS options (a private CA); tests pass theirs here. */
  tls?: ConnectionOptions;
  /** Headers and body each, ms (default 30 s). */
  timeoutMs?: number;
  /** Stops the request (the service is stopping; the delivery is resumed at the next start). */
  signal?: AbortSignal;
}

export async function signature(path: string, secret: string): Promise<string> {
  const hmac = createHmac('sha256', secret);
  for await (const chunk of createReadStream(path)) hmac.update(chunk as Buffer);
  return `sha256=${hmac.digest('hex')}`;
}

/** Header values are one line of visible ASCII. */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

export async function postWebhook(d: Delivery, hook: { url: string; secret: string }, settings: WebhookSettings = {}): Promise<string> {
  const p = d.produced;
  const timeout = settings.timeoutMs ?? 30_000;
  const agent = new Agent({ connect: settings.tls ?? {}, headersTimeout: timeout, bodyTimeout: timeout });
  const headers: Record<string, string> = {
    'content-type': p.contentType,
    'content-length': String(p.bytes),
    'content-disposition': `attachment; filename="${p.filename}"`,
    'x-apr-signature': await signature(p.path, hook.secret),
    'idempotency-key': d.idempotencyKey,
    'x-apr-schedule': d.schedule,
    'x-apr-range': headerSafe(d.rangeLabel),
    'x-apr-rows': String(p.rows),
  };
  if (p.horizon !== null) headers['x-data-horizon'] = new Date(p.horizon * 1000).toISOString().replace('.000Z', 'Z');
  if (d.notLoaded !== null) headers['x-apr-not-loaded'] = headerSafe(d.notLoaded);
  const where = new URL(hook.url).origin;
  try {
    const res = await request(hook.url, { method: 'POST', headers, body: createReadStream(p.path), dispatcher: agent, signal: settings.signal });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return `HTTP ${res.statusCode}`;
    const transient = res.statusCode >= 500 || res.statusCode === 408 || res.statusCode === 425 || res.statusCode === 429;
    throw new DeliveryError(`${where}: HTTP ${res.statusCode}`, transient);
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    const code = (err as { code?: string }).code;
    const detail = (err as Error).message;
    throw new DeliveryError(`${where}: ${code !== undefined && !detail.includes(code) ? `${code} ` : ""}${detail}`, true);
  } finally {
    await agent.close().catch(() => {});
  }
}
