/**
 * Runs the PHP and Python examples (examples/php/invoice.php over Temporal's HTTP API,
 * examples/python/invoice.py through the temporalio SDK) as child processes, the way a business
 * app would call them, for test/integration/other-languages.test.ts: one JSON document per command.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const VENV_PYTHON = `${root}.tools/python/bin/python`;

export type Language = 'php' | 'python';

export interface ExampleConnection {
  temporalAddress: string;
  temporalHttpAddress: string;
  namespace: string;
  taskQueue: string;
  /** Extra variables: PAYLOAD_ENCRYPTION_KEYS for Python, CODEC_SERVER_URL/TOKEN for PHP. */
  env?: Record<string, string>;
}

export interface ExampleAnswer {
  code: number;
  /** The one JSON document the command printed. */
  json: Record<string, unknown>;
  stderr: string;
}

/** What each language needs, or why it is missing (npm test provisions both: php:ensure, python:ensure). */
export function missingToolchain(language: Language): string | undefined {
  if (language === 'python') return existsSync(VENV_PYTHON) ? undefined : `${VENV_PYTHON} is missing: run npm run python:ensure`;
  return undefined;
}

export function runExample(language: Language, connection: ExampleConnection, args: string[]): Promise<ExampleAnswer> {
  const [command, script] = language === 'php' ? ['php', `${root}examples/php/invoice.php`] : [VENV_PYTHON, `${root}examples/python/invoice.py`];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TEMPORAL_ADDRESS: connection.temporalAddress,
    TEMPORAL_HTTP_ADDRESS: connection.temporalHttpAddress,
    TEMPORAL_NAMESPACE: connection.namespace,
    SEPAY_TASK_QUEUE: connection.taskQueue,
    // No __pycache__ left in examples/python by the tests.
    PYTHONDONTWRITEBYTECODE: '1',
    ...connection.env,
  };
  return new Promise((resolve, reject) => {
    execFile(command, [script, ...args], { env, cwd: root, timeout: 100_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ code, json: JSON.parse(line) as Record<string, unknown>, stderr });
      } catch {
        reject(new Error(`${language} ${args[0]} printed no JSON (exit ${code}${error?.signal ? `, ${error.signal}` : ''}):\n${stdout}\n${stderr}`));
      }
    });
  });
}
