// Who may read reports: bearer tokens (missing, wrong, rotated), loopback-only serving
// without tokens, the refusal to serve other machines without them, and HTTPS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { startHttpServer } from '../src/http/server.ts';
import { isLoopbackHost, tokenCheck } from '../src/http/auth.ts';
import { memoryLogger, silentLogger } from '../src/log.ts';
import { get, hourStarts, insertActivity, setAgent, testConfig } from './helpers/report.ts';
import { CERT, KEY } from './helpers/test-cert.ts';

const db = useTestDatabase('http-auth', 'Asia/Dubai');
const REPORT = '/api/report?startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=10:00:00&bom=0';

beforeAll(async () => {
  const { pool } = db();
  const [h] = await hourStarts(pool, '2025-09-07 09:00:00', '2025-09-07 10:00:00');
  await setAgent(pool, '4101', 'Layla Menon');
  await insertActivity(pool, [{ hourStart: h!, ext: '4101', idle_s: 3600 }]);
});

async function withServer<T>(env: Record<string, string>, fn: (url: string) => Promise<T>): Promise<T> {
  const srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai', env), db().pool, silentLogger);
  try {
    return await fn(srv.url);
  } finally {
    await srv.close();
  }
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe('bearer tokens', () => {
  let url: string;
  let close: () => Promise<void>;
  const log = memoryLogger();
  beforeAll(async () => {
    const srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_API_TOKENS: 'alpha-token-1, beta-token-2' }), db().pool, log);
    url = srv.url;
    close = srv.close;
  });
  afterAll(async () => close());

  it('refuses a request without a token with a JSON 401, before looking at any parameter', async () => {
    for (const path of [REPORT, '/api/report?startDate=garbage&foo=1', '/api/report', '/api/status']) {
      const r = await get(url + path);
      expect(r.status, path).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="apr"');
      expect((r.json() as { error: string }).error).toMatch(/Authorization: Bearer <token>/);
    }
  });

  it('refuses wrong tokens and other schemes', async () => {
    const wrong = [
      bearer('alpha-token'),
      bearer('alpha-token-1x'),
      bearer('ALPHA-TOKEN-1'),
      bearer(''),
      bearer('alpha-token-1,beta-token-2'),
      { Authorization: 'Basic YWxwaGEtdG9rZW4tMQ==' },
      { Authorization: 'alpha-token-1' },
      { Authorization: 'Bearer alpha-token-1 beta-token-2' },
      { 'X-Api-Token': 'alpha-token-1' },
    ];
    for (const h of wrong) expect((await get(url + REPORT, h)).status, JSON.stringify(h)).toBe(401);
  });

  it('accepts every configured token (so one can be rotated while the other still works)', async () => {
    for (const h of [bearer('alpha-token-1'), bearer('beta-token-2'), { Authorization: 'bearer beta-token-2' }]) {
      const r = await get(url + REPORT, h);
      expect(r.status).toBe(200);
      expect(r.text.split('\r\n')[1]).toMatch(/^09:00 - 10:00,07-Sep,.*,4101,Layla Menon,01:00:00,/);
    }
    expect((await get(url + '/api/status', bearer('beta-token-2'))).status).toBe(200);
    // a valid token does not excuse bad parameters
    expect((await get(url + '/api/report?startDate=garbage', bearer('alpha-token-1'))).status).toBe(400);
  });

  it('leaves /healthz open: it shows no agent data', async () => {
    const r = await get(url + '/healthz');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('never logs a token', async () => {
    expect(log.lines.length).toBeGreaterThan(10);
    for (const l of log.lines) for (const t of ['alpha-token', 'beta-token', 'YWxwaGEtdG9rZW4tMQ']) expect(l).not.toContain(t);
  });

  it('drops a rotated-out token after a restart with the new list', async () => {
    await withServer({ REPORT_API_TOKENS: 'beta-token-2,gamma-token-3' }, async (u) => {
      expect((await get(u + REPORT, bearer('alpha-token-1'))).status).toBe(401);
      expect((await get(u + REPORT, bearer('beta-token-2'))).status).toBe(200);
      expect((await get(u + REPORT, bearer('gamma-token-3'))).status).toBe(200);
    });
  });
});

describe('without tokens', () => {
  it('serves loopback without a token', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      await withServer({ HOST: host }, async (u) => {
        const r = await get(u + REPORT);
        expect(r.status, host).toBe(200);
        expect((await get(u + '/api/status')).status).toBe(200);
      });
    }
  });

  it('refuses to start on a non-loopback host and says why', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10', 'example.com']) {
      await expect(startHttpServer(testConfig(db().url, 'Asia/Dubai', { HOST: host }), db().pool, silentLogger), host).rejects.toThrow(
        /HOST=.* is reachable from other machines, but REPORT_API_TOKENS is empty.*Set REPORT_API_TOKENS.*or set HOST=127\.0\.0\.1/,
      );
    }
  });

  it('starts on every interface once tokens are set, and still asks for them', async () => {
    await withServer({ HOST: '0.0.0.0', REPORT_API_TOKENS: 'alpha-token-1' }, async (u) => {
      const local = u.replace('0.0.0.0', '127.0.0.1');
      expect((await get(local + REPORT)).status).toBe(401);
      expect((await get(local + REPORT, bearer('alpha-token-1'))).status).toBe(200);
    });
  });

  it('knows which hosts are loopback', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '128.0.0.1', '10.0.0.1', '::2', 'localhost.example.com', 'example.com', '']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('compares tokens exactly', () => {
    const check = tokenCheck(['s3cret']);
    expect(check.allows('Bearer s3cret')).toBe(true);
    expect(check.allows('Bearer s3cre')).toBe(false);
    expect(check.allows('Bearer s3cret2')).toBe(false);
    expect(check.allows(undefined)).toBe(false);
    expect(tokenCheck([]).open).toBe(true);
  });
});

describe('HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apr-tls-'));
  writeFileSync(join(dir, 'cert.pem'), CERT);
  writeFileSync(join(dir, 'key.pem'), KEY);

  it('serves HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    await withServer({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem'), REPORT_API_TOKENS: 'alpha-token-1' }, async (u) => {
      expect(u).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // verified against the certificate itself, so this is real TLS with our key
      const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(u + REPORT, { ca: CERT, headers: bearer('alpha-token-1') }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body.status).toBe(200);
      expect(body.text).toMatch(/^Interval,Date,/);
      // plain HTTP to the HTTPS port gets no report
      const plain = await get(u.replace('https:', 'http:') + REPORT, bearer('alpha-token-1')).catch((e: Error) => e);
      expect(plain instanceof Error || plain.status === 400).toBe(true);
    });
  });

  it('says which file it cannot read', async () => {
    await expect(
      startHttpServer(testConfig(db().url, 'Asia/Dubai', { TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: join(dir, 'key.pem') }), db().pool, silentLogger),
    ).rejects.toThrow(/TLS_CERT_FILE=.*missing\.pem cannot be read/);
  });
});

describe('listening', () => {
  it('says which address it cannot listen on', async () => {
    await withServer({}, async (u) => {
      const port = new URL(u).port;
      await expect(startHttpServer(testConfig(db().url, 'Asia/Dubai', { PORT: port }), db().pool, silentLogger)).rejects.toThrow(
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE.*\\): set HOST and PORT`),
      );
    });
  });
});
