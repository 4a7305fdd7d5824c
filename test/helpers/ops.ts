// Helpers of the tests that run the commands as an operator does: the upstream's
// environment, the one-line error a user sees, and a port already taken.
import { createServer, type Server } from 'node:net';
import { expect } from 'vitest';
import { PASSWORD, CREDENTIALS, ACCOUNT } from './simulator.ts';
import type { Child } from './child.ts';

export const upstreamEnv = (apiBase: string): Record<string, string> => ({
  API_BASE: apiBase,
  API_USERNAME: CREDENTIALS.username,
  API_PASSWORD: PASSWORD,
  TENANT: CREDENTIALS.tenant,
  ACCOUNT_ID: ACCOUNT,
});

/** Every line a user saw is one line of JSON {"error": ...} or a log line: never a stack trace. */
export function noStackTrace(child: Child): void {
  for (const l of child.lines) expect(l, child.lines.join('\n')).not.toMatch(/^\s+at .+\(?.*:\d+:\d+\)?$|Error: .*\n/);
}

/** The one {"error": ...} line a failed command printed, its message. */
export function errorLine(child: Child): string {
  const errors = child.lines.filter((l) => l.startsWith('{"error":'));
  expect(errors, child.lines.join('\n')).toHaveLength(1);
  return (JSON.parse(errors[0]!) as { error: string }).error;
}

export async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}
