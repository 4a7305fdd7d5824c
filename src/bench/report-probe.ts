// Times a report request against a child server and reads the child's memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export interface ReportServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startReportServer(env: Record<string, string>): Promise<ReportServer> {
  // Compiled (dist/) the child is JavaScript; from the sources (tests) it needs tsx.
  const compiled = import.meta.url.endsWith('.js');
  const entry = fileURLToPath(new URL(compiled ? './report-child.js' : './report-child.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, compiled ? [entry] : ['--import', 'tsx', entry], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`report server exited with ${code} before listening`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : NaN;
}

export interface ReportTiming {
  seconds: number;
  rows: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/** GETs the report (or another path: the breaks, the live state) and counts its lines; peak RSS is sampled while it streams. */
export async function timeReport(server: ReportServer, query: string, path = '/api/report'): Promise<ReportTiming> {
  const rssBefore = await memoryKb(server.pid, 'VmRSS');
  let peak = rssBefore;
  const sampler = setInterval(() => {
    void memoryKb(server.pid, 'VmRSS').then((kb) => {
      if (kb > peak) peak = kb;
    }, () => {});
  }, 25);
  const started = performance.now();
  let newlines = 0;
  let bytes = 0;
  try {
    const res = await request(`${server.url}${path}?${query}`);
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${await res.body.text()}`);
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, await memoryKb(server.pid, 'VmRSS'));
  return { seconds, rows: Math.max(0, newlines - 1), bytes, rssBeforeMb: rssBefore / 1024, peakRssMb: peak / 1024 };
}
