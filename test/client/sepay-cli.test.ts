/**
 * The CLI's SePay commands against the real simulator over HTTP, with credentials read from the
 * environment as the worker reads them; and the `sepay-invoice` bin run as users run it
 * (`npx sepay-invoice … --json`), whose stdout must be exactly one JSON document for `jq`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../client/cli/run.js';
import { SepayConnectionError, sepayClientFromEnv, sepayConnectionFromEnv } from '../../client/sepay-connection.js';
import { INACTIVE_ACCOUNT_ID, SEEDED_ACCOUNT_ID, VAT_TEMPLATE, startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';

const repo = new URL('../../', import.meta.url).pathname;
const QUOTA = 4321;

let simulator: RunningSimulator;
let sepayEnv: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: '127.0.0.1', quota: QUOTA });
  sepayEnv = simulatorWorkerEnv(simulator.baseUrl);
});

afterAll(async () => {
  await simulator?.close();
});

/** The CLI in-process, SePay from `env`; Temporal is never reached by these commands. */
async function cli(env: Record<string, string | undefined>, ...args: string[]) {
  const out: string[] = [];
  const code = await runCli(args, {
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(text),
    connect: () => Promise.reject(new Error('a SePay command connected to Temporal')),
    sepay: () => sepayClientFromEnv(env),
  });
  return { code, stdout: out.join('\n') };
}

describe('SePay commands against the simulator', () => {
  it('accounts lists the active and the inactive account', async () => {
    const { code, stdout } = await cli(sepayEnv, 'accounts', '--json');
    expect(code).toBe(0);
    const accounts = JSON.parse(stdout) as { id: string; active: boolean }[];
    expect(accounts).toContainEqual(expect.objectContaining({ id: SEEDED_ACCOUNT_ID, active: true }));
    expect(accounts).toContainEqual(expect.objectContaining({ id: INACTIVE_ACCOUNT_ID, active: false }));
  });

  it("accounts --id shows the account's template/series pairs", async () => {
    const { code, stdout } = await cli(sepayEnv, 'accounts', '--id', SEEDED_ACCOUNT_ID);
    expect(code).toBe(0);
    expect(stdout).toContain(`Provider account ${SEEDED_ACCOUNT_ID}`);
    expect(stdout).toMatch(new RegExp(`\\n {2}${VAT_TEMPLATE.template_code} +${VAT_TEMPLATE.invoice_series} +${VAT_TEMPLATE.invoice_label}`));
  });

  it('refuses wrong credentials with exit code 1', async () => {
    const { code, stdout } = await cli({ ...sepayEnv, SEPAY_CLIENT_SECRET: 'wrong' }, 'usage', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ error: { type: 'SepayError' } });
    expect(stdout).not.toContain('wrong');
  });
});

describe('SePay settings of the CLI', () => {
  it("reads the worker's SEPAY_* variables and ignores worker-only ones", () => {
    const connection = sepayConnectionFromEnv({ ...sepayEnv, SEPAY_REQUEST_TIMEOUT_MS: '2500', WORKER_HEALTH_ADDRESS: 'not an address' });
    expect(connection).toMatchObject({ environment: { baseUrl: simulator.baseUrl }, timeoutMs: 2500 });
  });

  it('refuses a SEPAY_BASE_URL with credentials in it, exit code 2, without echoing it', async () => {
    const withCredentials = simulator.baseUrl.replace('http://', 'http://merchant:pa55word@');
    const { code, stdout } = await cli({ ...sepayEnv, SEPAY_BASE_URL: withCredentials }, 'usage', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: { type: 'SepayNotConfigured', issues: [expect.stringMatching(/^SEPAY_BASE_URL: must not hold credentials/)] } });
    expect(stdout).not.toContain('pa55word');
    expect(stdout).not.toContain('merchant');
  });

  it('names each bad variable without echoing its value', () => {
    let problems: string[] = [];
    try {
      sepayConnectionFromEnv({ SEPAY_CLIENT_SECRET: 'top-secret', SEPAY_ENVIRONMENT: 'staging' });
    } catch (error) {
      expect(error).toBeInstanceOf(SepayConnectionError);
      problems = (error as SepayConnectionError).problems;
    }
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['SEPAY_CLIENT_ID', 'SEPAY_ENVIRONMENT']);
    expect(problems.join('\n')).not.toContain('top-secret');
  });
});

describe('the sepay-invoice bin', () => {
  async function npx(env: Record<string, string | undefined>, ...args: string[]) {
    try {
      const { stdout } = await promisify(execFile)('npx', ['sepay-invoice', ...args], { cwd: repo, env: { ...process.env, ...env } });
      return { code: 0, stdout };
    } catch (error) {
      const { code, stdout } = error as { code: number; stdout: string };
      return { code, stdout };
    }
  }

  it('prints exactly one JSON document: the quota', async () => {
    const { code, stdout } = await npx(sepayEnv, 'usage', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ quotaRemaining: QUOTA });
  });

  it('prints exactly one JSON document for a usage error, with exit code 2', async () => {
    const { code, stdout } = await npx({}, 'download', '--key', 'k', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: { type: 'Usage', message: '--type is required' } });
  });
});
