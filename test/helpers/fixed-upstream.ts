// An upstream written by hand: every events call answers `events`, every stats call
// `stats` (raw JSON text, so the values can be anything a parser takes, or a function
// that answers as it likes), login a token.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixedUpstream {
  url: string;
  close(): Promise<void>;
}

type Answer = string | ((res: ServerResponse, url: URL) => void);

export async function fixedUpstream(events: Answer, stats: Answer, token = 'tok-fixed'): Promise<FixedUpstream> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const answer = path.endsWith('/login/oauth') ? JSON.stringify({ accessToken: token, expiresIn: 3600 }) : path.endsWith('/events') ? events : stats;
    req.resume();
    req.on('end', () => {
      if (typeof answer === 'function') return answer(res, url);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
