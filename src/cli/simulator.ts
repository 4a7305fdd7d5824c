// npm run simulator -- --port 7070 --agents 200 --seed 42 [--fault-rate 0.2] [--page-size 2000]
import { parseFlags, UsageError } from './args.ts';
import { startSimulator, type HostileMode } from '../simulator/server.ts';
import { EXIT, fail } from './exit.ts';

const MODES: readonly HostileMode[] = ['none', 'trickle', 'silent', 'huge'];

const HELP = `Usage: npm run simulator -- [--port 7070] [--agents 200] [--seed 42] [--fault-rate 0.2]
                             [--page-size 2000] [--days N] [--host 127.0.0.1]
                             [--mode trickle|silent|huge] [--trickle-ms 1000]

An HTTP server that speaks the upstream API (SPEC §2): login, events, stats. Every agent's
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

function number(flags: Map<string, string>, name: string, fallback: number, min: number, max: number, integer = true): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)}: give ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  let opts;
  try {
    const { values } = parseFlags(argv, { values: ['port', 'host', 'agents', 'seed', 'fault-rate', 'page-size', 'days', 'mode', 'trickle-ms'] });
    const mode = values.get('mode') ?? 'none';
    if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode ${JSON.stringify(mode)}: give one of ${MODES.join(', ')}`);
    opts = {
      port: number(values, 'port', 7070, 0, 65535),
      host: values.get('host') ?? '127.0.0.1',
      agents: number(values, 'agents', 200, 1, 100_000),
      seed: number(values, 'seed', 42, 0, 2 ** 31 - 1),
      faultRate: number(values, 'fault-rate', 0, 0, 1, false),
      pageSize: number(values, 'page-size', 2000, 1, 1_000_000),
      days: values.has('days') ? number(values, 'days', 0, 1, 3650) : undefined,
      mode: mode as HostileMode,
      trickleMs: number(values, 'trickle-ms', 1000, 1, 3_600_000),
    };
  } catch (err) {
    if (err instanceof UsageError) fail(EXIT.USAGE, `${err.message} (see npm run simulator -- --help)`);
    throw err;
  }
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
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
