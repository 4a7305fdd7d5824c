// An upstream that answers the events call with 200, the first bytes of the body and then
// a space now and then, forever (the stats call answers normally): `npm run backfill`
// gives the window up by its deadline (total time, not time between bytes), exits 1
// naming the window, loads nothing of it, and the next run, the upstream well again,
// loads it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { useTestDatabase, rows } from './helpers/database.ts';
import { fixedUpstream, type FixedUpstream } from './helpers/fixed-upstream.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { migrate } from '../src/db/migrate.ts';

const db = useTestDatabase('robust-trickle-process');
// the command migrates with the full calendar: done once here, so the test times the backfill
beforeAll(async () => {
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
}, 600_000);
afterEach(killLeftovers);

/** 2025-09-09 08:00 UTC = 12:00 in Dubai. */
const T = Date.UTC(2025, 8, 9, 8) / 1000;
const RANGE = ['--from', '2025-09-09 12:00', '--to', '2025-09-09 13:00'];
let trickling = true;
const timers = new Set<NodeJS.Timeout>();

function events(res: ServerResponse): void {
  if (!trickling) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"events": [{"event":"agent_idle","enabled":true,"user_id":"u1","ext":"1001","username":"A","state":"","Timestamp":${T + 10}}]}`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"events": [');
  const timer = setInterval(() => res.write(' '), 200);
  timers.add(timer);
  res.once('close', () => clearInterval(timer));
}

let upstream: FixedUpstream | undefined;
beforeAll(async () => {
  upstream = await fixedUpstream(events, '{}', 'tok-trickle');
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await upstream?.close();
});

describe('npm run backfill against an upstream that trickles forever', () => {
  it('gives the window up by its deadline, exits 1 naming it, loads nothing; the next run loads it', async () => {
    const env = {
      DATABASE_URL: db().url,
      REPORT_TZ: db().reportTz,
      API_BASE: upstream!.url,
      API_USERNAME: 'u',
      API_PASSWORD: 'p-trickle',
      TENANT: 't',
      ACCOUNT_ID: 'a',
      UPSTREAM_CALL_TIMEOUT_S: '1',
      UPSTREAM_WINDOW_TIMEOUT_S: '4',
    };
    const child = runCommand('backfill.ts', RANGE, env);
    const code = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('still running after 60 s'), 60_000))]);
    expect(code, child.lines.join('\n')).toBe(1);
    const output = child.lines.join('\n');
    // the window is named, by its deadline
    expect(output).toMatch(/\[2025-09-09T08:00:00Z, 2025-09-09T09:00:00Z\).*UPSTREAM_WINDOW_TIMEOUT_S/);
    // given up once: the deadline is the window's whole time in this run, not per pass
    expect(child.lines.filter((l) => /upstream window given up/.test(l))).toHaveLength(1);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 0 }]);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM users_calls')).toEqual([{ n: 0 }]);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM loaded_windows')).toEqual([{ n: 0 }]);

    trickling = false;
    const again = runCommand('backfill.ts', RANGE, env);
    expect(await again.exited, again.lines.join('\n')).toBe(0);
    expect(await rows(db().pool, 'SELECT COUNT(*) AS n FROM agent_events')).toEqual([{ n: 1 }]);
  });
});
