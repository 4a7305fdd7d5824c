// The report server alone in a child process, so the benchmark reads its own RSS.
// Prints {"url": ...} once listening; SIGTERM stops it.
import { loadConfig } from '../config.ts';
import { createPool } from '../db/pool.ts';
import { silentLogger } from '../log.ts';
import { startHttpServer } from '../http/server.ts';

const cfg = loadConfig(process.env);
const pool = createPool(cfg.databaseUrl);
const server = await startHttpServer(cfg, pool, silentLogger);
process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
