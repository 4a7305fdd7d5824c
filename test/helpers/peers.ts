// Real protocol peers for the scheduled-report tests: an SMTP server (smtp-server) that
// wants a login and offers STARTTLS, and an HTTPS receiver (node:https) that keeps each
// POST it gets. Both use the test certificate; the clients trust it as their CA.
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { CERT, KEY } from './test-cert.ts';

export interface ReceivedMail {
  mail: ParsedMail;
  /** Whether the session had switched to TLS (STARTTLS) when the message came. */
  secure: boolean;
  user: string | undefined;
}

export interface SmtpPeer {
  url(user: string, pass: string): string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtp(login: { user: string; pass: string }): Promise<SmtpPeer> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false, // plain first; the client must STARTTLS before it may log in
    key: KEY,
    cert: CERT,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === login.user && auth.password === login.pass) return done(null, { user: auth.username });
      return done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, done) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({ mail, secure: session.secure, user: session.user as string | undefined });
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return {
    url: (user, pass) => `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedPost {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The status it was answered with ('hang': never answered). */
  answer: number | 'hang';
}

export interface HttpsPeer {
  url: string;
  posts: ReceivedPost[];
  close(): Promise<void>;
}

/** Answers the n-th POST (from 0) with `answer(n)`: a status, or 'hang' to never answer. */
export async function startHttpsReceiver(answer: (n: number) => number | 'hang' = () => 200): Promise<HttpsPeer> {
  const posts: ReceivedPost[] = [];
  const server = createHttpsServer({ key: KEY, cert: CERT }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = answer(posts.length);
      posts.push({ headers: req.headers, body: Buffer.concat(chunks), answer: a });
      if (a === 'hang') return;
      res.writeHead(a, { 'content-type': 'text/plain' });
      res.end(a < 300 ? 'thanks' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/hook`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
