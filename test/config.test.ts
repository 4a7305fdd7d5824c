import { describe, it, expect } from 'vitest';
import { loadConfig, redacted } from '../src/config.ts';

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'mysql://root@127.0.0.1:3306/apr',
      apiBase: undefined,
      apiPageSize: 2000,
      reportTz: 'Asia/Dubai',
      reportMaxDays: 93,
      port: 6699,
      host: '127.0.0.1',
      reportApiTokens: [],
      collectCron: '*/10 * * * *',
      collectOverlapMinutes: 30,
      reportIdleTimeoutS: 60,
      reportMaxStreams: 4,
      upstreamCallTimeoutS: 60,
      upstreamWindowTimeoutS: 180,
      upstreamMaxBodyMb: 32,
    });
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ REPORT_TZ: 'Mars/Olympus' }, /REPORT_TZ="Mars\/Olympus" is not an IANA time zone/],
    [{ PORT: '70000' }, /PORT="70000" is not valid: set PORT to a whole number from 0 to 65535/],
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ API_PAGE_SIZE: '0' }, /API_PAGE_SIZE="0".*from 1/],
    [{ REPORT_MAX_DAYS: '-3' }, /REPORT_MAX_DAYS/],
    [{ COLLECT_OVERLAP_MINUTES: '1.5' }, /COLLECT_OVERLAP_MINUTES/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ DATABASE_URL: 'postgres://x/y' }, /DATABASE_URL must start with mysql:/],
    [{ DATABASE_URL: 'mysql://root@127.0.0.1:3306/' }, /DATABASE_URL names no database/],
    [{ API_BASE: 'ftp://x' }, /API_BASE must start with http/],
    [{ API_BASE: 'https://api.example.test' }, /API_USERNAME is required when API_BASE is set/],
    [{ TLS_CERT_FILE: '/tmp/c.pem' }, /TLS_CERT_FILE and TLS_KEY_FILE go together/],
    [{ COLLECT_CRON: 'every ten minutes' }, /COLLECT_CRON=.*is not a cron expression/],
    [{ REPORT_MAX_STREAMS: '0' }, /REPORT_MAX_STREAMS="0" is not valid: set REPORT_MAX_STREAMS to a whole number from 1 to 100/],
    [{ REPORT_IDLE_TIMEOUT_S: '5s' }, /REPORT_IDLE_TIMEOUT_S="5s"/],
    [{ UPSTREAM_CALL_TIMEOUT_S: '0' }, /UPSTREAM_CALL_TIMEOUT_S/],
    [{ UPSTREAM_WINDOW_TIMEOUT_S: '-1' }, /UPSTREAM_WINDOW_TIMEOUT_S/],
    [{ UPSTREAM_MAX_BODY_MB: '2048' }, /UPSTREAM_MAX_BODY_MB="2048".*from 1 to 1024/],
  ];
  it.each(bad)('rejects %j with a message naming the variable and the fix', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('splits rotated report tokens and never shows secrets when logged', () => {
    const c = loadConfig({
      REPORT_API_TOKENS: ' old-token , new-token ,',
      API_BASE: 'https://api.example.test',
      API_USERNAME: 'u',
      API_PASSWORD: 'hunter2',
      TENANT: 't',
      ACCOUNT_ID: 'a',
      DATABASE_URL: 'mysql://apr:s3cret@db:3306/apr',
    });
    expect(c.reportApiTokens).toEqual(['old-token', 'new-token']);
    const shown = JSON.stringify(redacted(c));
    for (const secret of ['hunter2', 's3cret', 'old-token', 'new-token']) expect(shown).not.toContain(secret);
  });
});
