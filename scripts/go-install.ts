/**
 * Builds pinned Go programs from the Go module proxy into the per-user tools cache, for the tools
 * this machine cannot download as release binaries (the Temporal CLI, the Temporal server and its
 * SQL tool, the Web UI server). One folder per tool and version, so any clone on the machine (CI's
 * fresh clone included) reuses a build; a second call costs one `stat`.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `~/.cache/sepay-einvoice-temporal/<name>` (or under XDG_CACHE_HOME): outside every clone. */
export function toolsCacheDir(name: string): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheRoot, 'sepay-einvoice-temporal', name);
}

export async function goIsAvailable(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

export interface GoProgram {
  /** `module/path/cmd/x@vX.Y.Z`, as `go install` takes it. */
  packageAtVersion: string;
  /** The file `go install` writes (the package's last path element). */
  builtName: string;
  /** Where the binary ends up. */
  target: string;
  ldflags?: string;
}

/**
 * `go install`s each program (CGO off, so the binaries need nothing from the system) into a
 * private folder and renames it into place, so a concurrent or interrupted build never leaves a
 * half-written binary where others look for it. Progress goes to `log`.
 */
export async function goInstall(label: string, programs: readonly GoProgram[], log: (line: string) => void): Promise<void> {
  const missing = programs.filter((program) => !existsSync(program.target));
  if (missing.length === 0) return;
  const staging = join(toolsCacheDir('.staging'), `${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  log(`Building ${label} from the Go module proxy (a few minutes, once per machine)...`);
  const started = Date.now();
  try {
    // One `go install` per program: packages of different modules cannot share one invocation.
    for (const program of missing) {
      await new Promise<void>((resolve, reject) => {
        const ldflags = program.ldflags ? [`-ldflags=${program.ldflags}`] : [];
        const child = spawn('go', ['install', ...ldflags, program.packageAtVersion], {
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
        const ticker = setInterval(() => log(`  still compiling ${program.packageAtVersion}... ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearInterval(ticker);
          if (code === 0) resolve();
          else reject(new Error(`go install ${program.packageAtVersion} exited with code ${code}`));
        });
      });
      mkdirSync(join(program.target, '..'), { recursive: true });
      renameSync(join(staging, program.builtName), program.target);
    }
    log(`Built ${label} in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
