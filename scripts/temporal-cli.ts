/**
 * Finds or builds the Temporal CLI (which embeds the dev server and Web UI).
 *
 * This machine cannot download release binaries, so when no recent `temporal` is on PATH we build
 * the pinned official CLI from the Go module proxy into a per-user cache keyed by version. Any clone
 * on the same machine (CI's fresh clone included) reuses it; a second call costs one `stat`.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** v1.5.1 is the newest tag `go install` accepts: later ones carry `replace` directives. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_PATH_VERSION = [1, 5] as const;

export function temporalCliCacheDir(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheRoot, 'sepay-einvoice-temporal', `temporal-cli-v${TEMPORAL_CLI_VERSION}`);
}

function parseVersion(output: string): [number, number] | undefined {
  const match = /temporal version (\d+)\.(\d+)\.\d+/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

async function pathCliIsRecent(): Promise<boolean> {
  try {
    const { stdout } = await run('temporal', ['--version']);
    const version = parseVersion(stdout);
    return !!version && (version[0] > MIN_PATH_VERSION[0] || (version[0] === MIN_PATH_VERSION[0] && version[1] >= MIN_PATH_VERSION[1]));
  } catch {
    return false;
  }
}

async function goIsAvailable(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

async function buildFromGoProxy(target: string, log: (line: string) => void): Promise<void> {
  const cacheDir = temporalCliCacheDir();
  // Build into a private folder and rename, so a concurrent or interrupted build never leaves a
  // half-written binary where others look for it.
  const staging = join(cacheDir, `.build-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} from the Go module proxy (a few minutes, once per machine)...`);
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  const started = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', `-ldflags=${ldflags}`, `${MODULE}@v${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let downloads = 0;
      const onOutput = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (line.startsWith('go: downloading')) {
            downloads++;
            if (downloads % 25 === 1) log(`  ${line.trim()} (${downloads} modules so far)`);
          } else if (line.trim()) {
            log(`  ${line.trim()}`);
          }
        }
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      const ticker = setInterval(() => log(`  still compiling... ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearInterval(ticker);
        if (code === 0) resolve();
        else reject(new Error(`go install exited with code ${code}`));
      });
    });
    renameSync(join(staging, 'temporal'), target);
    log(`Built ${target} in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Returns the command to run the Temporal CLI: `TEMPORAL_CLI_PATH` if set, `temporal` from PATH
 * when it is version 1.5 or newer, else the cached build (building it first if needed).
 */
export async function ensureTemporalCli(log: (line: string) => void = (line) => console.error(line)): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH points to ${explicit}, which does not exist.`);
    return explicit;
  }
  if (await pathCliIsRecent()) return 'temporal';
  const cached = join(temporalCliCacheDir(), 'temporal');
  if (existsSync(cached)) return cached;
  if (!(await goIsAvailable())) {
    throw new Error(
      `The Temporal CLI (v1.5+) was not found on PATH and Go is not installed to build it. ` +
        `Install Go 1.24 or newer (https://go.dev/dl/), or put a Temporal CLI on PATH, or set TEMPORAL_CLI_PATH.`,
    );
  }
  await buildFromGoProxy(cached, log);
  return cached;
}
