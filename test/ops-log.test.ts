// The logger: JSON lines for a pipeline, readable lines for a person, LOG_LEVEL, secrets
// removed by the logger itself; the pieces of the CLIs that need no process: exit codes,
// the `--` hint, the database problems named in one line, retries reported as they happen.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { createLogger, localTime, memoryLogger, registerSecret, scrubSecrets } from '../src/log.ts';
import { EXIT, npmSwallowedHint } from '../src/cli/exit.ts';
import { databaseProblem } from '../src/cli/problems.ts';
import { Upstream } from '../src/upstream/client.ts';
import { noFetchLog } from '../src/upstream/fetch-log.ts';

function jsonLogger(level?: 'debug' | 'info' | 'warn') {
  const lines: string[] = [];
  return { log: createLogger({ format: 'json', level, write: (l) => lines.push(l) }), lines };
}

describe('the logger', () => {
  it('writes one JSON object per line: level as a word, UTC time, msg, the fields', () => {
    const { log, lines } = jsonLogger();
    log.info('window loaded', { from: '2025-09-07T05:00:00Z', events: 12 });
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 'info', msg: 'window loaded', from: '2025-09-07T05:00:00Z', events: 12, pid: process.pid });
    expect(rec.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('on a terminal: one readable line, time level msg key=value', () => {
    const log = memoryLogger();
    log.warn('window failed', { from: '2025-09-07T05:00:00Z', error: 'events: HTTP 503', n: 2, skipped: undefined });
    expect(log.lines).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z warn window failed from=2025-09-07T05:00:00Z error="events: HTTP 503" n=2$/)]);
  });

  it('honours the level', () => {
    const quiet = jsonLogger('warn');
    quiet.log.info('not shown');
    quiet.log.debug('not shown');
    quiet.log.warn('shown');
    expect(quiet.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
    const chatty = jsonLogger('debug');
    chatty.log.debug('shown');
    expect(chatty.lines).toHaveLength(1);
  });

  it('removes secrets itself: fields named like one, registered values, URL passwords', () => {
    registerSecret('tok-Very-Secret-123');
    const { log, lines } = jsonLogger();
    log.error('login failed with tok-Very-Secret-123', {
      password: 'hunter2-pw',
      headers: { authorization: 'Bearer abc-def-ghi' },
      database: 'mysql://apr:db-Pass-9@db.example:3306/apr',
      error: new Error('refused tok-Very-Secret-123'),
    });
    const line = lines[0]!;
    for (const secret of ['tok-Very-Secret-123', 'hunter2-pw', 'abc-def-ghi', 'db-Pass-9']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ password: '***', headers: { authorization: '***' }, database: 'mysql://apr:***@db.example:3306/apr', error: 'refused ***' });
    expect(scrubSecrets('https://u:p4ss@host/x')).toBe('https://u:***@host/x');
  });

  it('puts the REPORT_TZ wall-clock time beside a UTC instant', () => {
    expect(localTime(Date.UTC(2025, 8, 7, 5) / 1000, 'Asia/Dubai')).toBe('2025-09-07 09:00+04:00');
    expect(localTime(Date.UTC(2025, 9, 26, 1, 30, 15) / 1000, 'Europe/London')).toBe('2025-10-26 01:30:15+00:00');
  });
});

describe('the commands, without a process', () => {
  it('has one exit code per kind of failure', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT).toMatchObject({ OK: 0, FAILED: 1, USAGE: 2, CONFIG: 78 });
  });

  it('notices flags npm took for itself (no --) and says where the -- goes', () => {
    const env = { npm_lifecycle_event: 'report', npm_config_startdate: 'true' };
    expect(npmSwallowedHint('report', ['startDate', 'endDate'], env)).toBe('npm took --startDate for itself: put -- before the flags, e.g. npm run report -- --startDate ...');
    expect(npmSwallowedHint('report', ['startDate'], { npm_lifecycle_event: 'report' })).toBeUndefined();
    expect(npmSwallowedHint('report', ['startDate'], { npm_config_startdate: 'true' })).toBeUndefined(); // not run by npm
    // `npm run prune --days 3`: npm reads --days as its own -d -a -y -s and passes "3"
    expect(npmSwallowedHint('prune', ['days'], { npm_lifecycle_event: 'prune', npm_config_all: 'true' }, ['3'])).toBe(
      'npm took --days for itself and passed only "3": put -- before the flags, e.g. npm run prune -- --days 3',
    );
    expect(npmSwallowedHint('prune', ['days'], { npm_lifecycle_event: 'prune' }, ['--days', '3'])).toBeUndefined();
  });

  it('names DATABASE_URL or npm run migrate for the database errors an operator fixes', () => {
    const url = 'mysql://apr:pw@db.example:3307/apr';
    expect(databaseProblem({ code: 'ECONNREFUSED' }, url)).toMatch(/db\.example:3307 cannot be reached \(ECONNREFUSED\).*DATABASE_URL/);
    expect(databaseProblem({ code: 'ER_ACCESS_DENIED_ERROR' }, url)).toMatch(/refused the login of user "apr".*DATABASE_URL/);
    expect(databaseProblem({ code: 'ER_BAD_DB_ERROR' }, url)).toMatch(/apr does not exist.*npm run migrate/);
    expect(databaseProblem({ code: 'ER_NO_SUCH_TABLE' }, url)).toMatch(/not migrated.*npm run migrate/);
    expect(databaseProblem({ code: 'ER_FAILED_READ_FROM_PAR_FILE' }, url)).toMatch(/partitioned table .* of apr cannot be opened.*backup.*npm run migrate/);
    expect(databaseProblem({ code: 'ER_PARSE_ERROR' }, url)).toBeUndefined();
    expect(databaseProblem(new Error('x'), url)).toBeUndefined();
  });

  it('logs each retried upstream failure when it happens: status, call, attempt, wait', async () => {
    let calls = 0;
    const srv = createServer((req, res) => {
      calls++;
      if (req.url?.includes('login')) return res.end(JSON.stringify({ accessToken: 'tok-retry-secret-1', expiresIn: 3600 }));
      if (calls <= 3) {
        res.statusCode = 503;
        return res.end('busy');
      }
      res.end(JSON.stringify({}));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const log = memoryLogger();
    const upstream = new Upstream({
      baseUrl: `http://127.0.0.1:${(srv.address() as { port: number }).port}`,
      tenant: 't',
      username: 'u',
      password: 'pw-retry-secret',
      accountId: 'a',
      pageSize: 100,
      retry: { attempts: 5, startingDelayMs: 5, maxDelayMs: 20 },
      log,
    });
    try {
      await upstream.fetchStats(1757203200, 1757206800, { fetchLog: noFetchLog });
    } finally {
      await upstream.close();
      srv.close();
    }
    const retries = log.lines.filter((l) => l.includes('upstream call failed; retrying'));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/ warn upstream call failed; retrying call="stats \[2025-09-07T00:00:00Z, 2025-09-07T01:00:00Z\)" status=503 attempt=1\/5 wait_ms=\d+ error="stats: HTTP 503"$/);
    expect(retries[1]).toMatch(/attempt=2\/5/);
    for (const l of log.lines) {
      expect(l).not.toContain('tok-retry-secret-1');
      expect(l).not.toContain('pw-retry-secret');
    }
  });
});
