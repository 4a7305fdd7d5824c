// Streaming: a 93-day report over 300,000+ agent_activity rows is served while the
// server process's resident memory grows by less than 100 MB. The server runs in a child
// process so its RSS is its own (read from /proc/<pid>/status).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { insertBulkActivity, get } from './helpers/report.ts';

const db = useTestDatabase('report-stream', 'Asia/Dubai');
const ROOT = resolve(import.meta.dirname, '..');
const AGENTS = 140;
const DAYS = 93;

let child: ChildProcess | undefined;
/** The server's log (it writes it to stderr), shown when the report fails. */
const stderr: string[] = [];
afterAll(() => {
  child?.kill('SIGTERM');
});

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

async function startChild(databaseUrl: string): Promise<{ url: string; pid: number }> {
  child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'helpers', 'http-child-server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, REPORT_TZ: 'Asia/Dubai', PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((res, rej) => {
    lines.once('line', res);
    child!.once('exit', (code) => rej(new Error(`server exited ${code}: ${stderr.join('')}`)));
  });
  // tsx runs the script in a child of its own: the pid that matters is the one printed.
  return JSON.parse(first) as { url: string; pid: number };
}

describe('streaming', () => {
  it(`serves ${DAYS} days × ${AGENTS} agents with flat memory`, async () => {
    const { pool, url } = db();
    const inserted = await insertBulkActivity(pool, '2025-01-01 00:00:00', '2025-04-04 00:00:00', AGENTS);
    expect(inserted).toBe(DAYS * 24 * AGENTS);
    expect(inserted).toBeGreaterThanOrEqual(300_000);

    const srv = await startChild(url);
    // Warm up (code loaded, pool connected, a small report) before the baseline.
    for (let i = 0; i < 3; i++) expect((await get(`${srv.url}/api/report?startDate=2025-01-01&ext=1001,1002`)).status).toBe(200);
    const baseline = rssBytes(srv.pid);

    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, rssBytes(srv.pid));
    }, 25);
    const result = await new Promise<{ status: number; bytes: number; lines: number; tail: string }>((res, rej) => {
      const u = new URL(`${srv.url}/api/report?startDate=2025-01-01&endDate=2025-04-04`);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search }, (r) => {
        let bytes = 0;
        let lines = 0;
        let tail = '';
        r.on('data', (c: Buffer) => {
          bytes += c.length;
          for (const b of c) if (b === 10) lines++;
          tail = (tail + c.toString('latin1')).slice(-200);
        });
        r.on('end', () => res({ status: r.statusCode ?? 0, bytes, lines, tail }));
        r.on('error', (err) => rej(new Error(`${err.message}; the server logged:\n${stderr.join('').slice(-3000)}`)));
      });
      req.on('error', (err) => rej(new Error(`${err.message}; the server logged:\n${stderr.join('').slice(-3000)}`)));
      req.end();
    });
    clearInterval(timer);
    peak = Math.max(peak, rssBytes(srv.pid));

    expect(result.status).toBe(200);
    expect(result.lines).toBe(inserted + 1); // header + every row, each ending CRLF
    expect(result.tail.endsWith('\r\n')).toBe(true);
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`streamed ${inserted} rows, ${(result.bytes / 1024 / 1024).toFixed(1)} MB of CSV; server RSS ${(baseline / 1024 / 1024).toFixed(0)} MB -> peak ${(peak / 1024 / 1024).toFixed(0)} MB (+${growthMb.toFixed(1)} MB)`);
    expect(result.bytes).toBeGreaterThan(50 * 1024 * 1024); // far more than the allowed growth
    expect(growthMb).toBeLessThan(100);
  });
});
