/**
 * Finds or builds the Temporal CLI (which embeds the dev server and Web UI).
 *
 * This machine cannot download release binaries, so when no recent `temporal` is on PATH we build
 * the pinned official CLI from the Go module proxy into a per-user cache keyed by version. Any clone
 * on the same machine (CI's fresh clone included) reuses it; a second call costs one `stat`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { goInstall, goIsAvailable, toolsCacheDir } from './go-install.js';

const run = promisify(execFile);

/** v1.5.1 is the newest tag `go install` accepts: later ones carry `replace` directives. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_PATH_VERSION = [1, 5] as const;

export function temporalCliCacheDir(): string {
  return toolsCacheDir(`temporal-cli-v${TEMPORAL_CLI_VERSION}`);
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

async function buildFromGoProxy(target: string, log: (line: string) => void): Promise<void> {
  await goInstall(`the Temporal CLI v${TEMPORAL_CLI_VERSION}`, [{
    packageAtVersion: `${MODULE}@v${TEMPORAL_CLI_VERSION}`,
    builtName: 'temporal',
    target,
    ldflags: `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
  }], log);
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
