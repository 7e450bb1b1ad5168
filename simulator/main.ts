/**
 * Command line: `npm run simulator -- [options]`. Prints one line with the base URL (with the real
 * port when `--port 0`) and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import * as defaults from './defaults.js';
import { DEFAULT_MAX_CONNECTIONS } from './http.js';
import { startSimulator } from './server.js';

const HELP = `SePay eInvoice API simulator

Usage: npm run simulator -- [options]

  --port N            port to listen on, 0 = any free port   (default ${defaults.DEFAULT_PORT})
  --host HOST         address to bind                        (default ${defaults.DEFAULT_HOST})
  --allowed-host NAME answer requests whose Host is NAME too (repeatable; loopback names and
                      the bound address always are): e.g. sepay-simulator on a compose network
  --max-connections N connections open at once               (default ${DEFAULT_MAX_CONNECTIONS})
  --client-id ID      accepted client_id      (else env SEPAY_CLIENT_ID, else ${defaults.DEFAULT_CLIENT_ID})
  --client-secret S   accepted client_secret  (else env SEPAY_CLIENT_SECRET, else ${defaults.DEFAULT_CLIENT_SECRET})
                      Prefer the environment: a flag is readable by every local user in /proc/PID/cmdline.
  --state FILE        keep state in FILE across restarts     (default: in memory only)
  --quota N           issuance quota                         (default ${defaults.DEFAULT_QUOTA})
  --job-checks N      checks answered Pending before a job settles (default ${defaults.DEFAULT_JOB_CHECKS_UNTIL_DONE})
  --job-settle-ms N   a job unchecked for N ms settles on its own, "off" = never (default ${defaults.DEFAULT_JOB_SETTLE_MS})
  --token-ttl N       access token lifetime in seconds       (default ${defaults.DEFAULT_TOKEN_TTL_SECONDS})

Modes (behaviours SePay allows but does not promise; all off by default):
  --draft-visible-while-signing    a direct create shows as a draft while its job is Pending
  --tracking-not-found-checks N    the first N checks of a new tracking code answer 404
  --single-active-token            a new token revokes the older ones

  --verbose           log every request
  --help              this text
`;

/** An unset or empty variable counts as absent, so `SEPAY_CLIENT_ID=` in an env file means "use the default". */
function fromEnv(name: string): string | undefined {
  return process.env[name] || undefined;
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number >= 0, got "${value}"`);
  return n;
}

function positive(name: string, value: string | undefined): number | undefined {
  const n = integer(name, value);
  if (n === 0) throw new Error(`--${name} must be at least 1, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'max-connections': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      state: { type: 'string' },
      quota: { type: 'string' },
      'job-checks': { type: 'string' },
      'job-settle-ms': { type: 'string' },
      'token-ttl': { type: 'string' },
      'draft-visible-while-signing': { type: 'boolean' },
      'tracking-not-found-checks': { type: 'string' },
      'single-active-token': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const settle = values['job-settle-ms'];
  const simulator = await startSimulator({
    port: integer('port', values.port),
    host: values.host,
    allowedHosts: values['allowed-host'],
    maxConnections: positive('max-connections', values['max-connections']),
    // A flag wins over the environment, the environment over the default.
    clientId: values['client-id'] ?? fromEnv('SEPAY_CLIENT_ID'),
    clientSecret: values['client-secret'] ?? fromEnv('SEPAY_CLIENT_SECRET'),
    stateFile: values.state,
    quota: integer('quota', values.quota),
    jobChecksUntilDone: integer('job-checks', values['job-checks']),
    jobSettleMs: settle === 'off' ? null : integer('job-settle-ms', settle),
    tokenTtlSeconds: integer('token-ttl', values['token-ttl']),
    modes: {
      draftVisibleWhileSigning: values['draft-visible-while-signing'] ?? false,
      trackingNotFoundChecks: integer('tracking-not-found-checks', values['tracking-not-found-checks']) ?? 0,
      singleActiveToken: values['single-active-token'] ?? false,
    },
    logger: {
      info: values.verbose ? (message) => console.log(message) : () => {},
      error: (message, error) => console.error(message, error),
    },
  });
  console.log(`SePay simulator listening on ${simulator.baseUrl}`);

  const stop = (signal: string) => {
    if (values.verbose) console.log(`${signal}: stopping`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
