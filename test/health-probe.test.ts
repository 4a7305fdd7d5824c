// /healthz's check against a real database behind a TCP relay that can go silent at a
// chosen moment: a server that answers the ping and then stops (hung, or its network
// silent) before the check's next read must give "unavailable" within the probe's timeout,
// never a check that waits forever.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { HealthChecks, HealthProbe } from '../src/http/health.ts';

const db = useTestDatabase('health-probe');

/** Relays to the database; once `silentFrom` is set, the first client packet holding it and everything after it is dropped. */
function relay(target: URL): Promise<{ url: string; silentFrom: { text: string | null }; close(): Promise<void> }> {
  const silentFrom: { text: string | null } = { text: null };
  const sockets = new Set<Socket>();
  let silent = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 3306) });
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (silentFrom.text !== null && chunk.includes(silentFrom.text)) silent = true;
      if (!silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silent) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      const url = new URL(target.href);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      resolve({
        url: url.href,
        silentFrom,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('health check', () => {
  let proxy: Awaited<ReturnType<typeof relay>>;
  let probe: HealthProbe;

  beforeAll(async () => {
    proxy = await relay(new URL(db().url));
    probe = new HealthProbe(proxy.url, 1000);
  });

  afterAll(async () => {
    probe?.close();
    await proxy?.close();
  });

  it('is unavailable within the timeout when the database stops right after answering the ping', async () => {
    const checks = new HealthChecks([{ variable: 'DATABASE_URL', probe }]);
    const errors: string[] = [];
    expect(await checks.check(() => undefined, (_v, err) => errors.push(err.message))).toEqual({ status: 'ok', database: 'ok' });

    // the ping goes through; the read of failing windows that follows it gets no answer
    proxy.silentFrom.text = 'failing_windows';
    const started = Date.now();
    const result = await Promise.race([
      checks.check(() => undefined, (_v, err) => errors.push(err.message)),
      new Promise((resolve) => setTimeout(() => resolve('no answer after 10 s'), 10_000)),
    ]);
    expect(result).toEqual({
      status: 'unavailable',
      database: 'unreachable',
      reason: 'the database of DATABASE_URL does not answer; the server log has the details',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(errors).toEqual(['the database did not answer within 1000 ms']);
  });
});
