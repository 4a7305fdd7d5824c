// npm run simulator -- --port 7070 --agents 200 --seed 42 [--fault-rate 0.2] [--page-size 2000]
import { UsageError } from '../usage-error.ts';
import type { HostileMode } from '../simulator/server.ts';
import { wholeFlag } from '../numbers.ts';
import { runCommand } from './command.ts';
import { EXIT, fail } from './exit.ts';

const MODES: readonly HostileMode[] = ['none', 'trickle', 'silent', 'huge'];

const HELP = `Usage: npm run simulator -- [--port 7070] [--agents 200] [--seed 42] [--fault-rate 0.2]
                             [--page-size 2000] [--days N] [--host 127.0.0.1]
                             [--mode trickle|silent|huge] [--trickle-ms 1000]

An HTTP server that speaks the upstream API (rules §2): login, events, stats. Every agent's
day is computed from (seed, agent, day), so the same flags give the same data, for any
range, on any run. Stats agree with the events (vw_reconciliation shows no difference).

  --port N         port to listen on (default 7070; 0 picks a free one)
  --host H         address to listen on (default 127.0.0.1)
  --agents N       agents in the contact centre (default 200)
  --seed N         seed of everything random (default 42)
  --fault-rate R   share of calls that fail: 429 with Retry-After, 500, slow, dropped,
                   cut short (default 0)
  --page-size N    events are truncated at this many, silently, when a request names no
                   pageSize (default 2000); a request's own pageSize is honoured
  --days N         days of history before now (default: every day has shifts)
  --mode M         every call misbehaves: trickle (headers, then one byte of the body
                   per --trickle-ms), silent (never answers), huge (a 50 MB body)
  --trickle-ms N   ms between bytes in trickle mode (default 1000)
  --help           this text

Point the service at it:
  API_BASE=http://127.0.0.1:7070 API_USERNAME=demo API_PASSWORD=demo TENANT=demo ACCOUNT_ID=demo npm start
Any non-empty credentials are accepted.`;

/** A share from 0 to 1 (--fault-rate): the one flag that is not a whole number. */
function share(flags: Map<string, string>, name: string): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name} ${JSON.stringify(raw)}: give a number from 0 to 1`);
  return n;
}

const FLAGS = { values: ['port', 'host', 'agents', 'seed', 'fault-rate', 'page-size', 'days', 'mode', 'trickle-ms'] };

await runCommand({ name: 'simulator', help: HELP, flags: FLAGS, config: false }, async ({ flags: { values } }) => {
  const mode = values.get('mode') ?? 'none';
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode ${JSON.stringify(mode)}: give one of ${MODES.join(', ')}`);
  const opts = {
    port: wholeFlag(values, 'port', { min: 0, max: 65535 }) ?? 7070,
    host: values.get('host') ?? '127.0.0.1',
    agents: wholeFlag(values, 'agents', { min: 1, max: 100_000 }) ?? 200,
    seed: wholeFlag(values, 'seed', { min: 0, max: 2 ** 31 - 1 }) ?? 42,
    faultRate: share(values, 'fault-rate') ?? 0,
    pageSize: wholeFlag(values, 'page-size', { min: 1, max: 1_000_000 }) ?? 2000,
    days: wholeFlag(values, 'days', { min: 1, max: 3650 }),
    mode: mode as HostileMode,
    trickleMs: wholeFlag(values, 'trickle-ms', { min: 1, max: 3_600_000 }) ?? 1000,
  };
  const { startSimulator } = await import('../simulator/server.ts');
  let sim;
  try {
    sim = await startSimulator(opts);
  } catch (err) {
    const code = (err as { code?: string }).code;
    fail(EXIT.LISTEN, `the simulator cannot listen on ${opts.host}:${opts.port} (${code ?? (err as Error).message}): choose another --port or --host`);
  }
  console.log(
    `simulator listening on ${sim.url}: ${opts.agents} agents, seed ${opts.seed}, page size ${opts.pageSize}, fault rate ${opts.faultRate}` +
      (opts.days ? `, ${opts.days} days of history` : '') +
      (opts.mode !== 'none' ? `, mode ${opts.mode}` : ''),
  );
  // Runs until SIGTERM or SIGINT (Ctrl-C reaches npm and node both: the listeners stay,
  // so a second signal while closing is no crash).
  await new Promise((resolve) => {
    process.on('SIGTERM', resolve);
    process.on('SIGINT', resolve);
  });
  await sim.close();
  return EXIT.OK;
});
