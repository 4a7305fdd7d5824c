// The report server alone in its own process, for tests that watch its memory
// (test/report-stream.test.ts). Prints {"url": ...} on one line once listening; SIGTERM stops it.
import { loadConfig } from '../../src/config.ts';
import { createPool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/log.ts';
import { startHttpServer } from '../../src/http/server.ts';

const cfg = loadConfig(process.env);
const pool = createPool(cfg.databaseUrl);
const server = await startHttpServer(cfg, pool, createLogger((l) => process.stderr.write(l + '\n')));
process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
