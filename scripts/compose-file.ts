/**
 * docker-compose.yml as Compose reads it (YAML merge keys resolved), and the env files it names:
 * read by the tests that check the stack without a Docker engine and by `npm run stack:native`,
 * which runs it natively with these values (one source of truth).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

type EnvironmentValue = string | number | boolean | null;

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, EnvironmentValue> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  healthcheck?: { test: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition: string; required?: boolean }>;
  volumes?: (string | { type: string; source?: string; target: string })[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  profiles?: string[];
  user?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The parsed file, untyped: what the Compose JSON schema validates. */
export function readComposeDocument(text = readFileSync(COMPOSE_FILE, 'utf8')): unknown {
  return parse(text, { merge: true }) as unknown;
}

export function readComposeFile(): ComposeFile {
  return readComposeDocument() as ComposeFile;
}

export function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** A service's `environment` as a map (Compose accepts a map or a KEY=VALUE list). */
export function environmentOf({ environment = {} }: ComposeService): Record<string, string> {
  const entries = Array.isArray(environment)
    ? environment.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    : Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The env files a service reads, relative to the project directory. */
export function envFilesOf({ env_file }: ComposeService): string[] {
  if (env_file === undefined) return [];
  return (Array.isArray(env_file) ? env_file : [env_file]).map((entry) => (typeof entry === 'string' ? entry : entry.path));
}

/** The file on this machine that a service sees at `containerPath` through a bind mount. */
export function hostPathOf({ volumes = [] }: ComposeService, containerPath: string): string | undefined {
  for (const volume of volumes) {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (!source?.startsWith('./') || !target) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) return join(ROOT, source, relative(target, containerPath));
  }
  return undefined;
}

/** An env file's variables, parsed the dotenv way Compose reads them. */
export function readEnvFile(relativePath: string): Record<string, string> {
  return parseEnv(readFileSync(join(ROOT, relativePath), 'utf8')) as Record<string, string>;
}

/** Whether git ignores `relativePath`, tracked or not (so a secret file can never be committed by accident). */
export function isGitIgnored(relativePath: string): boolean {
  const { status, stderr } = spawnSync('git', ['check-ignore', '--quiet', '--no-index', relativePath], { cwd: ROOT, encoding: 'utf8' });
  if (status !== 0 && status !== 1) throw new Error(`git check-ignore failed: ${stderr}`);
  return status === 0;
}

/** The committed example of a git-ignored env file. */
export const exampleOf = (envFile: string) => `${envFile}.example`;

/**
 * A service's environment as its container gets it, from the committed examples of its env files
 * (the real ones are git-ignored and hold secrets), then its `environment`. Image ENV is the
 * caller's to put first.
 */
export function exampleEnvironmentOf(service: ComposeService): Record<string, string> {
  return Object.assign({}, ...envFilesOf(service).map((file) => readEnvFile(exampleOf(file))), environmentOf(service)) as Record<string, string>;
}
