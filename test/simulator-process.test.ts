import { describe, it, expect } from 'vitest';
import { request } from 'undici';
import { runCommand } from './helpers/child.ts';

describe('npm run simulator', () => {
  it('listens where it says, speaks the API, stops on SIGTERM', async () => {
    const child = runCommand('simulator.ts', ['--port', '0', '--agents', '7', '--seed', '5', '--fault-rate', '0', '--page-size', '50'], {});
    try {
      const line = await child.waitFor(/simulator listening on http:\/\/127\.0\.0\.1:\d+: 7 agents, seed 5, page size 50, fault rate 0/);
      const url = /on (http:\/\/\S+):/.exec(line)![1]!;
      const login = await request(`${url}/api/v2/config/login/oauth`, { method: 'POST', body: '{"domain":"d","username":"u","password":"p"}' });
      const body = (await login.body.json()) as { accessToken?: string };
      expect(login.statusCode).toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const events = await request(`${url}/api/v2/reports/callcenter/agents/activity/events?startDate=${now - 86400}&endDate=${now}`, {
        headers: { authorization: `Bearer ${body.accessToken}`, 'x-account-id': 'a' },
      });
      expect(((await events.body.json()) as { events: unknown[] }).events).toHaveLength(50);
    } finally {
      child.proc.kill('SIGTERM');
    }
    expect(await child.exited).toBe(0);
  });

  it('--help explains the flags; a bad value is a usage error', async () => {
    const help = runCommand('simulator.ts', ['--help'], {});
    expect(await help.exited).toBe(0);
    for (const f of ['--port', '--agents', '--seed', '--fault-rate', '--page-size', '--days']) expect(help.lines.join('\n')).toContain(f);
    const bad = runCommand('simulator.ts', ['--fault-rate', '2'], {});
    expect(await bad.exited).toBe(2);
    const error = bad.lines.find((l) => l.startsWith('{"error":'));
    expect(error, bad.lines.join('\n')).toBeDefined();
    expect((JSON.parse(error!) as { error: string }).error).toMatch(/--fault-rate "2": give a number from 0 to 1/);
  });
});
