/**
 * `npm run stack:native`: docker-compose.yml's production topology on this machine, without a
 * Docker engine (scripts/native-stack.ts). Progress goes to stderr; when everything is up, one JSON
 * line on stdout says where it is. Ctrl-C (SIGINT) or SIGTERM stops everything it started, quietly.
 *
 * Options: --workers N (default: the compose replicas), --no-ui, --no-build (dist/ is fresh).
 */
import { parseArgs } from 'node:util';
import { NativeStack } from './native-stack.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string' },
    'no-ui': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const workers = values.workers === undefined ? undefined : Number(values.workers);
if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) {
  console.error(`--workers must be a whole number, got "${values.workers}"`);
  process.exit(2);
}

const log = (line: string) => console.error(line);
let stack: NativeStack | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  log('stopping the stack...');
  await stack?.stop();
  log('stopped');
  process.exit(code);
};
// A signal while starting waits for start() to give up or finish, then stops what is up.
let signalled = false;
const onSignal = () => {
  signalled = true;
  if (stack) void stop(0);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const startedAt = Date.now();
try {
  stack = await NativeStack.start({ log, workers, ui: !values['no-ui'], build: !values['no-build'] });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
log(`stack up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; Ctrl-C stops it. Client: source ${stack.clientEnvFile}`);
process.stdout.write(`${JSON.stringify(stack.summary())}\n`);
if (signalled) await stop(0);
