// node dist/cli/healthcheck.js: exit 0 when GET /healthz of the service on this machine
// answers 200 (the database reachable), 1 otherwise. For Docker's HEALTHCHECK and other
// supervisors; reads PORT, HOST and TLS_* like the service, and needs no curl in the image.
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';

const HELP = `Usage: npm run healthcheck

Asks GET /healthz of the service on this machine (HOST and PORT, HTTPS when TLS_CERT_FILE
is set, as npm start serves) and prints the answer. For Docker's HEALTHCHECK:
node dist/cli/healthcheck.js needs no curl in the image.

Exit codes: 0 the service answered 200 (its database is reachable); 1 anything else;
78 configuration error.`;

await runCommand({ name: 'healthcheck', help: HELP }, async ({ cfg }) => {
  // A wildcard address is served on loopback too; a self-signed certificate is fine here.
  const host = ['0.0.0.0', '::', '[::]', ''].includes(cfg.host) ? '127.0.0.1' : cfg.host;
  const url = `${cfg.tlsCertFile ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${cfg.port}/healthz`;
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connect: { timeout: 3000, rejectUnauthorized: false } });
  try {
    const res = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(4000) });
    const body = await res.body.text();
    console.log(`${res.statusCode} ${body.trim()}`);
    return res.statusCode === 200 ? EXIT.OK : EXIT.FAILED;
  } catch (err) {
    console.log(`${url}: ${(err as { code?: string }).code ?? (err as Error).message}`);
    return EXIT.FAILED;
  } finally {
    await agent.close();
  }
});
