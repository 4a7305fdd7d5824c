// node dist/cli/healthcheck.js: exit 0 when GET /healthz of the service on this machine
// answers 200 (the database reachable), 1 otherwise. For Docker's HEALTHCHECK and other
// supervisors; reads PORT, HOST and TLS_* like the service, and needs no curl in the image.
import { Agent, request } from 'undici';
import { configOrExit } from './exit.ts';

const cfg = configOrExit();
// A wildcard address is served on loopback too; a self-signed certificate is fine here.
const host = ['0.0.0.0', '::', '[::]', ''].includes(cfg.host) ? '127.0.0.1' : cfg.host;
const url = `${cfg.tlsCertFile ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${cfg.port}/healthz`;
const agent = new Agent({ connect: { timeout: 3000, rejectUnauthorized: false } });
try {
  const res = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(4000) });
  const body = await res.body.text();
  console.log(`${res.statusCode} ${body.trim()}`);
  process.exitCode = res.statusCode === 200 ? 0 : 1;
} catch (err) {
  console.log(`${url}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  process.exitCode = 1;
} finally {
  await agent.close();
}
