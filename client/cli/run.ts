/**
 * The CLI's flow: pick the command, parse and check its arguments, act (connecting to Temporal
 * and SePay only as the command needs them), print.
 * Exit codes: 0 ok, 2 usage or invalid input, 1 any other failure.
 */
import { parseArgs } from 'node:util';
import { SepayError } from '../../sepay/errors.js';
import { failureType } from '../failure-type.js';
import { InvalidInvoiceInputError } from '../issue-input.js';
import { TemporalUnreachableError } from '../invoice-client.js';
import { SepayConnectionError } from '../sepay-connection.js';
import { type Values } from './args.js';
import { commands, type Command, type Output } from './commands.js';
import { lazyContext, type Connectors } from './lazy-context.js';
import { UsageError } from './usage-error.js';
import { NoWorkerPollingError, WaitTimedOutError } from './waiting.js';

export interface CliIo extends Connectors {
  stdout(text: string): void;
  stderr(text: string): void;
}

const GLOBAL_OPTIONS: Command['options'] = { json: { type: 'boolean' }, help: { type: 'boolean' } };

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const invocation = parseInvocation(argv);
    if (invocation.help) {
      io.stdout(helpText(invocation.name));
      return 0;
    }
    const action = await invocation.command.prepare(invocation.values);
    const { context, close } = lazyContext(io);
    let output: Output;
    try {
      output = await action(context);
    } finally {
      await close();
    }
    io.stdout(json ? JSON.stringify(output.json, null, 2) : output.text);
    return output.exitCode ?? 0;
  } catch (error) {
    const { exitCode, ...failure } = describeFailure(error);
    if (json) io.stdout(JSON.stringify({ error: failure }, null, 2));
    else io.stderr(failureText(failure));
    return exitCode;
  }
}

type Invocation = { help: true; name?: string } | { help: false; name: string; command: Command; values: Values };

function parseInvocation(argv: string[]): Invocation {
  // Global flags take no value, so the first bare word is the command wherever the flags stand.
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  const first = argv[at];
  if (first === undefined) {
    if (argv.includes('--help')) return { help: true };
    throw new UsageError('no command given');
  }
  // A command of two words (`schedules apply`): the word right after the first completes its name.
  const words = commands[`${first} ${argv[at + 1]}`] ? 2 : 1;
  const name = words === 2 ? `${first} ${argv[at + 1]}` : first;
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  try {
    const options = { ...GLOBAL_OPTIONS, ...command.options };
    // No option is `multiple`, so each value is a single string or boolean.
    const values = parseArgs({ args: argv.filter((_, i) => i < at || i >= at + words), options, strict: true }).values as Values;
    return values.help ? { help: true, name } : { help: false, name, command, values };
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function helpText(name?: string): string {
  const entries = Object.entries(commands).filter(([commandName]) => name === undefined || commandName === name);
  return [
    'Usage: npx sepay-invoice <command> [options] [--json]',
    '',
    ...entries.map(([commandName, command]) => `  ${commandName} ${command.usage}\n      ${command.summary}`),
    '',
    '  --json  print one JSON document on stdout (errors too: {"error": {...}})',
    'Temporal connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS variables or a profile;',
    'task queue: SEPAY_TASK_QUEUE (default sepay-einvoice); payload encryption: PAYLOAD_ENCRYPTION_KEYS (as the worker).',
    'SePay (accounts, usage, download): SEPAY_CLIENT_ID, SEPAY_CLIENT_SECRET, SEPAY_ENVIRONMENT or SEPAY_BASE_URL (as the worker).',
  ].join('\n');
}

interface Failure {
  exitCode: number;
  type: string;
  message: string;
  /** SePay's error code, for a failed SePay call. */
  code?: string;
  issues?: string[];
}

function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { exitCode: 2, type: error.type, message: error.message };
  if (error instanceof InvalidInvoiceInputError) {
    return { exitCode: 2, type: error.type, message: 'invalid invoice input', issues: error.issues };
  }
  if (error instanceof SepayConnectionError) return { exitCode: 2, type: 'SepayNotConfigured', message: error.message, issues: error.problems };
  // Our own typed errors: their message is the whole story; the SDK's cause would hide it.
  if (error instanceof WaitTimedOutError || error instanceof NoWorkerPollingError || error instanceof TemporalUnreachableError) {
    return { exitCode: 1, type: error.type, message: error.message };
  }
  if (error instanceof SepayError) return { exitCode: 1, type: error.name, code: error.code, message: error.message };
  // The SDK wraps the workflow's own failure; its innermost cause carries the useful message.
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const name = cause instanceof Error ? cause.name : 'Error';
  return { exitCode: 1, type: failureType(error) ?? name, message: cause instanceof Error ? cause.message : String(cause) };
}

function failureText(failure: Omit<Failure, 'exitCode'>): string {
  if (failure.type === 'Usage') return `error: ${failure.message}\nRun \`npx sepay-invoice --help\` for usage.`;
  const type = failure.code === undefined ? failure.type : `${failure.type} ${failure.code}`;
  return [`${type}: ${failure.message}`, ...(failure.issues ?? []).map((issue) => `  - ${issue}`)].join('\n');
}
