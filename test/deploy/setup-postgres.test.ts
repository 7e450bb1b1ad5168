/**
 * The schema job's script (deploy/temporal/setup-postgres.sh) run by `sh` with stand-ins for
 * `temporal-sql-tool` and `psql` that record how they were called: it refuses the example's and
 * an empty password before touching the database, and passes a real one only in the environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleOf, readEnvFile, ROOT } from './compose-file.js';

const SCRIPT = join(ROOT, 'deploy/temporal/setup-postgres.sh');
const tools = mkdtempSync(join(tmpdir(), 'setup-postgres-'));
const calls = join(tools, 'calls.log');
// Each stand-in logs its arguments and whether the password reached it through the environment.
for (const tool of ['temporal-sql-tool', 'psql']) {
  writeFileSync(join(tools, tool), `#!/bin/sh\necho "${tool} $* env:\${SQL_PASSWORD:-}:\${PGPASSWORD:-}" >> "${calls}"\n[ "${tool}" = psql ] && echo t\nexit 0\n`);
  chmodSync(join(tools, tool), 0o755);
}

afterAll(() => rmSync(tools, { recursive: true, force: true }));

function runScript(env: Record<string, string>) {
  rmSync(calls, { force: true });
  const result = spawnSync('sh', [SCRIPT], { env: { PATH: `${tools}:/usr/bin:/bin`, POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'temporal', ...env }, encoding: 'utf8' });
  let called = '';
  try {
    called = readFileSync(calls, 'utf8');
  } catch {
    // No tool was called.
  }
  return { status: result.status, stderr: result.stderr, called };
}

describe('the schema job', () => {
  const example = readEnvFile(exampleOf('deploy/temporal/.env'));

  it("refuses the example's password, which the committed example still holds", () => {
    expect(example.POSTGRES_PWD).toBe('change-me');
    const run = runScript({ POSTGRES_PWD: example.POSTGRES_PWD!, POSTGRES_PASSWORD: example.POSTGRES_PASSWORD! });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/still the example's password/);
    expect(run.called).toBe('');
  });

  it('refuses an empty password', () => {
    const run = runScript({ POSTGRES_PWD: '', POSTGRES_PASSWORD: '' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/POSTGRES_PWD/);
    expect(run.called).toBe('');
  });

  it('passes a chosen password to the tools in their environment, never as an argument', () => {
    const password = 'S3cret-Only-In-Env-4f9';
    const run = runScript({ POSTGRES_PWD: password, POSTGRES_PASSWORD: password });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.called.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const [args, env] = line.split(' env:');
      expect(args).not.toContain(password);
      expect(env).toBe(`${password}:${password}`);
    }
  });
});
