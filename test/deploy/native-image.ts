/**
 * The worker image's /app, made without a Docker engine by following the Dockerfile's stages:
 *  - build: the Docker build context (what .dockerignore lets in) in a temporary directory, the
 *    project's installed node_modules standing in for `npm ci` (same package-lock.json), then
 *    `npm run build`;
 *  - runtime: package.json and dist from the build, and the lockfile's production dependencies
 *    only (`npm ci --omit=dev`, what `npm prune --omit=dev` leaves), so a run needing a dev
 *    dependency fails here as it would in the container.
 * Folders that .dockerignore leaves out are skipped whole (Docker would also look inside them for
 * `!` exceptions; this project's .dockerignore has none there).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { ROOT } from './compose-file.js';

// CommonJS whose types declare an ES default export: at run time the default import is the factory.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export interface NativeImage {
  /** The image's WORKDIR: package.json, node_modules (production only) and dist. */
  appDir: string;
  remove(): void;
}

export async function buildImageNatively(log: (line: string) => void = () => {}): Promise<NativeImage> {
  const root = mkdtempSync(join(tmpdir(), 'sepay-worker-image-'));
  try {
    const buildDir = join(root, 'build');
    const appDir = join(root, 'app');
    copyBuildContext(buildDir);
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
    await run('npm', ['run', 'build'], buildDir, log);

    mkdirSync(appDir);
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(buildDir, file), join(appDir, file));
    renameSync(join(buildDir, 'dist'), join(appDir, 'dist'));
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], appDir, log);
    rmSync(join(appDir, 'package-lock.json'));
    return { appDir, remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function copyBuildContext(target: string): void {
  const context = dockerignore().add(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n'));
  cpSync(ROOT, target, {
    recursive: true,
    filter: (source) => {
      const path = relative(ROOT, source);
      return path === '' || !context.ignores(path);
    },
  });
}

async function run(command: string, args: string[], cwd: string, log: (line: string) => void): Promise<void> {
  log(`${cwd}$ ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${code}:\n${output}`);
}
