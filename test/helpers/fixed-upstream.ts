// An upstream written by hand: every events call answers `events`, every stats call
// `stats` (raw JSON text, so the values can be anything a parser takes), login a token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixedUpstream {
  url: string;
  close(): Promise<void>;
}

export async function fixedUpstream(events: string, stats: string, token = 'tok-fixed'): Promise<FixedUpstream> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = path.endsWith('/login/oauth') ? JSON.stringify({ accessToken: token, expiresIn: 3600 }) : path.endsWith('/events') ? events : stats;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
