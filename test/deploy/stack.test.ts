/**
 * The production-like stack, checked without a Docker engine: pinned images (and which are not
 * pinned by digest, as docs/deployment.md says), health checks, persistent PostgreSQL, secrets only
 * in git-ignored env files, encryption on by default, nothing published that acts without
 * authentication (the Web UI, the HTTP API), the search attributes the workflow sets, and a worker
 * image that runs exactly `npm run worker:prod` and ships no build tools.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { msToNumber } from '@temporalio/common';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../worker/config.js';
import { invoiceSearchAttributes } from '../../contract/search-attributes.js';
import { EXAMPLE_KEY_PLACEHOLDER } from '../../codec/keys.js';
import { envFilesOf, environmentOf, exampleOf, hostPathOf, isGitIgnored, readComposeDocument, readComposeFile, readEnvFile, ROOT, service, type ComposeFile } from './compose-file.js';
import { composeSchemaValidator } from './compose-schema.js';
import { readDockerfile } from './dockerfile.js';
import { isPinnedImage } from './image-reference.js';

const compose = readComposeFile();
const dockerfile = readDockerfile();
const services = Object.entries(compose.services);
// CommonJS whose types declare an ES default export: at run time the default import is the factory.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** What a container of `name` runs: the compose command, else the image's CMD (built services). */
const commandOf = (name: string) => [service(compose, name).command ?? dockerfile.cmd].flat();

describe('images', () => {
  it('pins every pulled image to an exact version, and builds the rest from the Dockerfile', () => {
    for (const [name, { image, build }] of services) {
      expect(image !== undefined || build !== undefined, `${name} has neither image nor build`).toBe(true);
      if (image !== undefined && build === undefined) expect(isPinnedImage(image), `${name}: ${image}`).toBe(true);
    }
    expect(dockerfile.baseImages.length).toBeGreaterThan(0);
    for (const image of dockerfile.baseImages) expect(isPinnedImage(image), `Dockerfile FROM ${image}`).toBe(true);
  });

  it('says in docs/deployment.md which images are not pinned by digest (none could be pulled to read one)', () => {
    const deployment = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');
    const at = deployment.indexOf('### Not pinned by digest');
    expect(at, 'docs/deployment.md has a "Not pinned by digest" section').toBeGreaterThanOrEqual(0);
    const section = deployment.slice(at);
    const images = [...services.map(([, { image }]) => image), ...dockerfile.baseImages].filter((image): image is string => image !== undefined);
    for (const image of images.filter((reference) => !reference.includes('@sha256:'))) expect(section, image).toContain(`\`${image}\``);
  });

  it('tells pinned references from floating ones', () => {
    expect(['postgres:16.13', 'temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0', 'node:20.20.2-bookworm-slim', `node@sha256:${'a'.repeat(64)}`].map(isPinnedImage)).toEqual([true, true, true, true]);
    expect(['postgres', 'postgres:16', 'postgres:latest', 'temporalio/ui:latest', 'localhost:5000/worker'].map(isPinnedImage)).toEqual([false, false, false, false, false]);
  });
});

describe('the worker image', () => {
  it('runs exactly `npm run worker:prod` (without npm, so SIGTERM reaches the worker)', () => {
    expect(commandOf('worker')).toEqual(packageJson.scripts['worker:prod']?.split(' '));
  });

  it('is built in stages by npm ci and npm run build, and runs as `node`', () => {
    expect(dockerfile.baseImages.length).toBeGreaterThanOrEqual(2);
    const steps = dockerfile.runCommands.join(' && ');
    for (const step of ['npm ci', 'npm run build']) expect(steps).toContain(step);
    expect(dockerfile.user).toBe('node');
    expect(service(compose, 'worker').user).toBeUndefined();
  });

  it('ships no build tools (issue #20): production dependencies installed in the runtime stage, only dist/ and bin/ from the build, no package manager left', () => {
    const runtime = dockerfile.finalRunCommands.join(' && ');
    expect(runtime).toMatch(/npm ci --omit=dev\b/);
    expect(runtime).not.toContain('npm run build');
    // The build stage's node_modules hold the dev dependencies (TypeScript, tsx, the linters): never copied.
    expect(dockerfile.finalCopiesFromStages.sort()).toEqual(['build:/app/bin', 'build:/app/dist']);
    for (const tool of ['/usr/local/lib/node_modules/npm', '/usr/local/bin/npx', '/usr/local/lib/node_modules/corepack', '/opt/yarn-*']) expect(runtime).toContain(tool);
  });

  it('has a Dockerfile the Dockerfile linter finds nothing wrong with', () => {
    expect(lintDockerfile(dockerfile.text)).toEqual([]);
  });

  it('gets every folder the build compiles into its context, and no env file, state or build output', () => {
    const context = dockerignore().add(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n'));
    const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    const files = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin/sepay-invoice.mjs'];
    for (const path of [...include.map((folder) => `${folder}/index.ts`), ...files]) {
      expect(context.ignores(path), `${path} is left out of the build context`).toBe(false);
    }
    for (const path of ['deploy/worker/.env', 'deploy/temporal/.env', 'worker/.env', 'sepay/.env.local', 'node_modules/zod/package.json', 'dist/worker/main.js', '.state/simulator.json', '.git/HEAD']) {
      expect(context.ignores(path), `${path} gets into the build context`).toBe(true);
    }
  });
});

describe('the worker service', () => {
  const worker = service(compose, 'worker');

  it('runs replicas that start once the namespace and search attributes exist', () => {
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  });

  const exampleEnv = (): Record<string, string> => ({ ...envFilesOf(worker).map(exampleOf).reduce((all, file) => ({ ...all, ...readEnvFile(file) }), {}), ...environmentOf(worker) });
  /** The example as an operator fills it: the placeholder replaced by a generated key. */
  const filledEnv = () => ({ ...exampleEnv(), PAYLOAD_ENCRYPTION_KEYS: `k202612:${randomBytes(32).toString('base64')}` });

  it('turns payload encryption on by default, and refuses to start on the placeholder, naming the command that makes a key (issue #20)', () => {
    expect(exampleEnv().PAYLOAD_ENCRYPTION_KEYS).toBe(`k-example:${EXAMPLE_KEY_PLACEHOLDER}`);
    expect(() => loadWorkerConfig(exampleEnv())).toThrow(/still the example's placeholder.*openssl rand -base64 32/);
    expect(loadWorkerConfig(filledEnv()).payloadEncryption).toMatchObject({ currentKeyId: 'k202612', requireEncryption: true });
  });

  it('is configured validly by the committed env example, its key generated, plus the compose environment', () => {
    expect(() => loadWorkerConfig(filledEnv())).not.toThrow();
  });

  it('gets more time to stop than it gives in-flight activities', () => {
    expect(msToNumber((worker.stop_grace_period ?? '10s') as never)).toBeGreaterThan(loadWorkerConfig(filledEnv()).shutdownGraceMs);
  });

  it('is health-checked on the readiness endpoint its own WORKER_HEALTH_ADDRESS names', () => {
    expect(environmentOf(worker).WORKER_HEALTH_ADDRESS).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(JSON.stringify(worker.healthcheck?.test)).toContain('process.env.WORKER_HEALTH_ADDRESS');
    expect(JSON.stringify(worker.healthcheck?.test)).toContain('/readyz');
  });
});

describe('the setup job', () => {
  it('registers exactly the search attributes the workflow declares, with their types', () => {
    const cliTypes: Record<string, string> = { TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
    expect(commandOf('temporal-setup')).toEqual(invoiceSearchAttributes.map((key) => `${key.name}=${cliTypes[key.type]}`));
  });

  it('runs scripts that the service mounts from deploy/temporal/', () => {
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const setup = service(compose, name);
      const [shell, script = ''] = [setup.entrypoint].flat();
      expect(shell, name).toBe('/bin/sh');
      const hostPath = hostPathOf(setup, script);
      expect(hostPath?.startsWith(join(ROOT, 'deploy/temporal/')), `${name} runs ${script}`).toBe(true);
      expect(existsSync(hostPath!), `${name} runs ${script}`).toBe(true);
    }
  });

  it('gates the server and the workers: schema before the server, namespace before the workers', () => {
    expect(service(compose, 'temporal').depends_on).toMatchObject({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(service(compose, 'temporal-setup').depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
  });
});

describe('operations', () => {
  it('health-checks PostgreSQL, Temporal, the Web UI and the worker', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'worker']) {
      const { healthcheck } = service(compose, name);
      expect(healthcheck?.test, name).toBeDefined();
      expect(healthcheck?.disable, name).not.toBe(true);
    }
  });

  it('keeps PostgreSQL data on a named volume', () => {
    expect(service(compose, 'postgresql').volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('postgresql-data');
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, { ports = [] }] of services as [string, { ports?: string[] }][]) {
      for (const port of ports) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('publishes neither the Web UI nor the HTTP API, which act without authentication (issue #20)', () => {
    const published = (name: string) => ((service(compose, name) as { ports?: string[] }).ports ?? []).map((port) => port.split(':').at(-1));
    expect(published('temporal-ui')).toEqual([]);
    expect(published('temporal')).toEqual(['7233']);
  });

  it('offers the Web UI on loopback only through the opt-in tunnel override, a valid Compose file', () => {
    const text = readFileSync(join(ROOT, 'deploy/compose.ui-tunnel.yml'), 'utf8');
    const override = readComposeDocument(text) as ComposeFile;
    expect(composeSchemaValidator()(override)).toBe(true);
    expect(Object.keys(override.services)).toEqual(['temporal-ui']);
    expect((service(override, 'temporal-ui') as { ports?: string[] }).ports).toEqual(['127.0.0.1:8080:8080']);
    expect(text).toContain('ssh -N -L 127.0.0.1:8080:127.0.0.1:8080');
  });

  it('mounts files that exist', () => {
    for (const [name, { volumes = [] }] of services) {
      for (const source of volumes.map((volume) => (typeof volume === 'string' ? volume.split(':')[0]! : volume.source ?? '')).filter((source) => source.startsWith('./'))) {
        expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });
});

describe('secrets', () => {
  const envFiles = [...new Set(services.flatMap(([, definition]) => envFilesOf(definition)))];

  it('come from env files that git ignores, each with a committed example', () => {
    expect(envFiles.length).toBeGreaterThan(0);
    for (const file of envFiles) {
      expect(isGitIgnored(file), `${file} is not git-ignored`).toBe(true);
      expect(existsSync(join(ROOT, exampleOf(file))), `${exampleOf(file)} is missing`).toBe(true);
      expect(isGitIgnored(exampleOf(file)), `${exampleOf(file)} is git-ignored`).toBe(false);
    }
  });

  it('are read by every service that needs one, and never written in docker-compose.yml', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'worker']) expect(envFilesOf(service(compose, name)), name).not.toEqual([]);
    for (const [name, definition] of services) {
      expect(Object.keys(environmentOf(definition)).filter((key) => /PASSWORD|PWD|SECRET|TOKEN|_KEYS?$/.test(key)), name).toEqual([]);
    }
  });

  it('never travel on a command line, where every local user reads them (/proc/PID/cmdline)', () => {
    for (const [name, definition] of services) {
      const commandLine = [definition.entrypoint ?? [], definition.command ?? []].flat().join(' ');
      expect(commandLine, name).not.toMatch(/--(client-secret|client-id|codec-auth|password|api-key)\b|SECRET|PASSWORD|PWD|_KEYS?\b/);
    }
  });

  it("keep the workers' env file (SePay credentials, encryption keys) to the workers; the simulator reads its own", () => {
    const readers = services.filter(([, definition]) => envFilesOf(definition).includes('deploy/worker/.env')).map(([name]) => name);
    expect(readers).toEqual(['worker']);
    const simulator = service(compose, 'sepay-simulator');
    expect(envFilesOf(simulator)).toEqual(['deploy/simulator/.env']);
    expect(readEnvFile(exampleOf('deploy/simulator/.env'))).toEqual({ SEPAY_CLIENT_ID: expect.any(String), SEPAY_CLIENT_SECRET: expect.any(String) });
  });

  it('name every variable the stack needs in the examples', () => {
    expect(Object.keys(readEnvFile(exampleOf('deploy/temporal/.env')))).toEqual(expect.arrayContaining(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_PWD']));
    expect(Object.keys(readEnvFile(exampleOf('deploy/worker/.env')))).toEqual(expect.arrayContaining(['SEPAY_CLIENT_ID', 'SEPAY_CLIENT_SECRET']));
    expect(readFileSync(join(ROOT, exampleOf('deploy/worker/.env')), 'utf8')).toContain('PAYLOAD_ENCRYPTION_KEYS');
  });
});
