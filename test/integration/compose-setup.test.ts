/**
 * The compose `temporal-setup` job, run natively: its script (deploy/temporal/setup-namespace.sh)
 * with the arguments and environment docker-compose.yml gives it, through the Temporal CLI (the
 * admin-tools image ships the same CLI line, 1.5), against this suite's dev server and a
 * namespace that does not exist yet.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import { invoiceSearchAttributes } from '../../contract/search-attributes.js';
import { environmentOf, hostPathOf, readComposeFile, service } from '../deploy/compose-file.js';
import { uniqueKey } from '../support/invoice-test-env.js';

const setup = service(readComposeFile(), 'temporal-setup');

async function runSetupJob(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const [shell, script = ''] = [setup.entrypoint].flat();
  const hostScript = hostPathOf(setup, script);
  expect(shell).toBe('/bin/sh');
  expect(hostScript).toBeDefined();
  const child = spawn('/bin/sh', [hostScript!, ...[setup.command ?? []].flat()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // The script retries for minutes against a real deployment; a test run gives it one.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

describe('the temporal-setup job (deploy/temporal/setup-namespace.sh)', () => {
  it('creates the namespace and registers the search attributes, and runs again without harm', async () => {
    const cli = await ensureTemporalCli();
    const namespace = uniqueKey('compose-setup');
    const env = {
      ...environmentOf(setup),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: namespace,
      PATH: `${dirname(cli)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
    };

    const first = await runSetupJob(env);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`namespace ${namespace} created`);
    const again = await runSetupJob(env);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(`namespace ${namespace} exists`);

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
      expect(customAttributes).toEqual(Object.fromEntries(invoiceSearchAttributes.map((key) => [key.name, keyword])));
    } finally {
      await connection.close();
    }
  });
});
