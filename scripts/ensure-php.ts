/**
 * `npm run php:ensure`: provisions the PHP that test/languages/ runs the PHP example with
 * (examples/php/, PHP 8.2+ with curl and json), from Debian's php-cli and php-curl when `php` is
 * missing, and says exactly what is missing when it cannot install it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const APT_GET = '/usr/bin/apt-get';
const PACKAGES = ['php-cli', 'php-curl'];

class PhpUnavailableError extends Error {
  override readonly name = 'PhpUnavailableError';
}

/** `null` when `php` is not on PATH; else its version and the missing extensions among curl and json. */
function inspectPhp(): { version: string; missing: string[] } | null {
  try {
    const out = execFileSync('php', ['-r', 'echo PHP_VERSION, "\\n", implode(",", array_filter(["curl", "json"], fn($e) => !extension_loaded($e)));'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const [version = '', missing = ''] = out.split('\n');
    return { version, missing: missing.split(',').filter(Boolean) };
  } catch {
    return null;
  }
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function aptGet(args: string[]): Promise<void> {
  console.error(`  apt-get ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    // Waits for another apt run (a browser:ensure at the same time) instead of failing.
    const child = spawn(APT_GET, ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new PhpUnavailableError(`apt-get ${args[0]} exited with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function ensurePhp(): Promise<string> {
  const howToFix = `Install PHP 8.2+ with the curl extension yourself (Debian: apt-get install ${PACKAGES.join(' ')}) and put \`php\` on PATH.`;
  let php = inspectPhp();
  if (php && php.missing.length === 0 && versionAtLeast(php.version, 8, 2)) return php.version;
  const what = php ? (php.missing.length ? `php ${php.version} lacks the ${php.missing.join(', ')} extension` : `php ${php.version} is older than 8.2`) : '`php` is not on PATH';
  if (!existsSync(APT_GET)) throw new PhpUnavailableError(`${what} and ${APT_GET} was not found to install ${PACKAGES.join(' ')}. ${howToFix}`);
  if (process.getuid?.() !== 0) throw new PhpUnavailableError(`${what} and only root can install ${PACKAGES.join(' ')} with apt-get. ${howToFix}`);
  console.error(`${what}: installing Debian's ${PACKAGES.join(' ')} with apt-get (once per machine)...`);
  await aptGet(['update']);
  await aptGet(['install', '-y', '--no-install-recommends', ...PACKAGES]);
  php = inspectPhp();
  if (!php || php.missing.length || !versionAtLeast(php.version, 8, 2)) {
    throw new PhpUnavailableError(`apt-get installed ${PACKAGES.join(' ')} but ${php ? `php ${php.version} still lacks ${php.missing.join(', ') || 'version 8.2'}` : '`php` is still not on PATH'}. ${howToFix}`);
  }
  return php.version;
}

const started = Date.now();
try {
  const version = await ensurePhp();
  console.log(`php ${version} with curl (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  console.error(error instanceof PhpUnavailableError ? `php:ensure: ${error.message}` : error);
  process.exitCode = 1;
}
