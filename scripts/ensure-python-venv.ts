/**
 * `npm run python:ensure`: provisions the Python virtual environment test/languages/ runs the
 * Python example in (.tools/python, git-ignored) with the pinned packages of
 * examples/python/requirements.txt, reused while the pins are unchanged; says exactly what is
 * missing when it cannot make one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const PYTHON_VENV_DIR = `${root}.tools/python`;
export const VENV_PYTHON = `${PYTHON_VENV_DIR}/bin/python`;
const REQUIREMENTS = `${root}examples/python/requirements.txt`;
/** The requirements the venv was last completed with: a different file means install again. */
const STAMP = `${PYTHON_VENV_DIR}/.requirements-installed`;

class PythonUnavailableError extends Error {
  override readonly name = 'PythonUnavailableError';
}

function run(command: string, args: string[], what: string): Promise<void> {
  console.error(`  ${what}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new PythonUnavailableError(`${what} could not run: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new PythonUnavailableError(`${what} exited with code ${code}: ${stderr.trim().split('\n').slice(-4).join(' | ')}`));
    });
  });
}

function pythonVersion(python: string): string | null {
  try {
    return execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

async function ensurePythonVenv(): Promise<string> {
  const requirements = readFileSync(REQUIREMENTS, 'utf8');
  if (existsSync(VENV_PYTHON) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === requirements) return VENV_PYTHON;

  const python = process.env.PYTHON ?? 'python3';
  const version = pythonVersion(python);
  const howToFix = `Install Python 3.9+ with its venv module (Debian: apt-get install python3 python3-venv), or set PYTHON to such an interpreter.`;
  if (!version) throw new PythonUnavailableError(`\`${python}\` is not on PATH (or does not run). ${howToFix}`);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 9)) throw new PythonUnavailableError(`\`${python}\` is Python ${version}; temporalio needs 3.9 or later. ${howToFix}`);

  if (!existsSync(VENV_PYTHON)) {
    console.error(`Creating the Python ${version} virtual environment ${PYTHON_VENV_DIR} (once per clone)...`);
    await run(python, ['-m', 'venv', PYTHON_VENV_DIR], `${python} -m venv .tools/python`).catch((error: unknown) => {
      throw new PythonUnavailableError(`${(error as Error).message}. ${howToFix}`);
    });
  }
  console.error(`Installing the pinned packages of examples/python/requirements.txt from PyPI...`);
  await run(VENV_PYTHON, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', '-r', REQUIREMENTS], 'pip install -r examples/python/requirements.txt')
    .catch((error: unknown) => {
      throw new PythonUnavailableError(`${(error as Error).message}. PyPI must be reachable once to fill the virtual environment.`);
    });
  writeFileSync(STAMP, requirements);
  return VENV_PYTHON;
}

const started = Date.now();
try {
  const python = await ensurePythonVenv();
  const versions = execFileSync(python, ['-c', 'import sys, temporalio, cryptography; print(sys.version.split()[0], "temporalio", temporalio.__version__, "cryptography", cryptography.__version__)']).toString().trim();
  console.log(`${python}: Python ${versions} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  console.error(error instanceof PythonUnavailableError ? `python:ensure: ${error.message}` : error);
  process.exitCode = 1;
}
