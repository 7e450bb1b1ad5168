/**
 * The command line: prints its base URL (the real port with --port 0), exits 0 on SIGTERM, takes
 * its credentials from flags or the environment, and its modes from flags.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/defaults.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
/** Node itself with tsx's loader: one process, so a kill reaches the server (the tsx wrapper would leave it orphaned). */
const simulatorCommand = [process.execPath, ['--import', 'tsx', 'simulator/main.ts']] as const;

const started: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `simulator/main.ts` with `args` and `env` added to ours; resolves with its base URL. */
async function startCli(args: string[], env: Record<string, string | undefined> = {}) {
  const [node, nodeArgs] = simulatorCommand;
  const child = spawn(node, [...nodeArgs, '--port', '0', ...args], { cwd: root, env: { ...process.env, ...env } });
  started.push(child);
  let output = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /SePay simulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
  });
  return { child, url };
}

async function tokenStatus(url: string, id: string, secret: string): Promise<number> {
  const basic = Buffer.from(`${id}:${secret}`).toString('base64');
  return (await fetch(`${url}/v1/token`, { method: 'POST', headers: { authorization: `Basic ${basic}` } })).status;
}

describe('simulator CLI', () => {
  it('starts, serves, and stops cleanly on SIGTERM', async () => {
    const { child, url } = await startCli(['--client-id', 'cli-id', '--client-secret', 'cli-secret', '--quota', '7']);
    expect(url).not.toMatch(/:0$/);

    const basic = Buffer.from('cli-id:cli-secret').toString('base64');
    const token = (await (await fetch(`${url}/v1/token`, { method: 'POST', headers: { authorization: `Basic ${basic}` } })).json()) as {
      data: { access_token: string };
    };
    const usage = await fetch(`${url}/v1/usage`, { headers: { authorization: `Bearer ${token.data.access_token}` } });
    expect(await usage.json()).toEqual({ success: true, data: { quota_remaining: '7' } });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('reads the credentials from SEPAY_CLIENT_ID / SEPAY_CLIENT_SECRET', async () => {
    const { url } = await startCli([], { SEPAY_CLIENT_ID: 'env-id', SEPAY_CLIENT_SECRET: 'env-secret' });
    expect(await tokenStatus(url, 'env-id', 'env-secret')).toBe(200);
    expect(await tokenStatus(url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)).toBe(401);
  });

  it('lets a flag win over the environment, and the environment over the default', async () => {
    const { url } = await startCli(['--client-id', 'flag-id'], { SEPAY_CLIENT_ID: 'env-id', SEPAY_CLIENT_SECRET: 'env-secret' });
    expect(await tokenStatus(url, 'flag-id', 'env-secret')).toBe(200);
    expect(await tokenStatus(url, 'env-id', 'env-secret')).toBe(401);
  });

  it('uses the default credentials when the variables are unset or empty', async () => {
    const { url } = await startCli([], { SEPAY_CLIENT_ID: '', SEPAY_CLIENT_SECRET: undefined });
    expect(await tokenStatus(url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)).toBe(200);
  });

  it('switches modes on from flags', async () => {
    const { url } = await startCli(['--draft-visible-while-signing', '--tracking-not-found-checks', '2', '--single-active-token']);
    const modes = await (await fetch(`${url}/__sim/modes`)).json();
    expect(modes).toEqual({ draftVisibleWhileSigning: true, trackingNotFoundChecks: 2, singleActiveToken: true });
  });

  it('answers a name given with --allowed-host, and 403 to any other name', async () => {
    const { url } = await startCli(['--allowed-host', 'sepay-simulator', '--allowed-host', 'sim.internal', '--max-connections', '16']);
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/__sim/stats`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject).end();
      });
    expect(await statusFor('sepay-simulator:4010')).toBe(200);
    expect(await statusFor('sim.internal')).toBe(200);
    expect(await statusFor('127.0.0.1')).toBe(200);
    expect(await statusFor('evil.example')).toBe(403);
  });

  it('prints help and refuses bad options', async () => {
    const help = spawn(tsx, ['simulator/main.ts', '--help'], { cwd: root });
    let text = '';
    help.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    expect((await once(help, 'exit'))[0]).toBe(0);
    expect(text).toContain('--job-checks');
    expect(text).toContain('--single-active-token');

    const bad = spawn(tsx, ['simulator/main.ts', '--quota', 'lots'], { cwd: root });
    expect((await once(bad, 'exit'))[0]).toBe(2);
  });
});
