/**
 * Finds or installs the Chromium the browser test drives through `playwright-core`.
 *
 * `npx playwright install` downloads from Playwright's CDN, which this machine cannot reach, so the
 * project uses Debian's own `chromium` package instead, installed with apt-get when it is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEBIAN_CHROMIUM_PATH = '/usr/bin/chromium';
const APT_GET = '/usr/bin/apt-get';

export class ChromiumUnavailableError extends Error {
  override readonly name = 'ChromiumUnavailableError';
}

/** Returns the Chromium executable: `CHROMIUM_PATH` if set, else Debian's, installing it first if needed. */
export async function ensureChromium(log: (line: string) => void = (line) => console.error(line)): Promise<string> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new ChromiumUnavailableError(`CHROMIUM_PATH points to ${explicit}, which does not exist.`);
    return explicit;
  }
  if (existsSync(DEBIAN_CHROMIUM_PATH)) return DEBIAN_CHROMIUM_PATH;

  const howToFix = `Install it yourself (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.`;
  if (!existsSync(APT_GET)) {
    throw new ChromiumUnavailableError(`${DEBIAN_CHROMIUM_PATH} is missing and ${APT_GET} was not found to install it. ${howToFix}`);
  }
  if (process.getuid?.() !== 0) {
    throw new ChromiumUnavailableError(`${DEBIAN_CHROMIUM_PATH} is missing and only root can install it with apt-get. ${howToFix}`);
  }
  log(`Installing Debian's chromium package with apt-get (once per machine)...`);
  await aptGet(['update'], log);
  await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], log);
  if (!existsSync(DEBIAN_CHROMIUM_PATH)) {
    throw new ChromiumUnavailableError(`apt-get installed chromium but ${DEBIAN_CHROMIUM_PATH} is still missing. ${howToFix}`);
  }
  log(`Installed ${DEBIAN_CHROMIUM_PATH}.`);
  return DEBIAN_CHROMIUM_PATH;
}

function aptGet(args: string[], log: (line: string) => void): Promise<void> {
  log(`  apt-get ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    // Waits for another apt run (e.g. a second test run installing at the same time) instead of failing.
    const child = spawn(APT_GET, ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(`  ${line.trim()}`);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new ChromiumUnavailableError(`apt-get ${args[0]} exited with code ${code} while installing chromium.`));
    });
  });
}
