/**
 * The Temporal server, its SQL schema tool and the standalone Web UI server at the versions
 * docker-compose.yml runs (`temporalio/server:X` → go.temporal.io/server vX, `temporalio/ui:Y` →
 * github.com/temporalio/ui-server/v2 vY), built from the Go module proxy into the per-user tools
 * cache (scripts/go-install.ts), for `npm run stack:native`. The server's module source (its config
 * template and SQL schemas) comes from the Go module cache the build fills.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readComposeFile, service } from './compose-file.js';
import { goInstall, goIsAvailable, toolsCacheDir } from './go-install.js';

const run = promisify(execFile);

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export interface TemporalServerBuild {
  serverVersion: string;
  uiVersion: string;
  /** `temporal-server start --service ...` */
  server: string;
  /** The admin-tools image's `temporal-sql-tool`. */
  sqlTool: string;
  /** The temporalio/ui image's `ui-server`. */
  uiServer: string;
  /** go.temporal.io/server's source: docker/config_template.yaml, schema/postgresql/v12. */
  serverModuleDir: string;
  /** The UI server's source: config/docker.yaml. */
  uiModuleDir: string;
}

/** The tag of a compose service's image (`temporalio/server:1.29.1` → `1.29.1`). */
function composeImageTag(serviceName: string): string {
  const image = service(readComposeFile(), serviceName).image ?? '';
  const tag = /:([\w.-]+)$/.exec(image)?.[1];
  if (!tag || !/^\d+\.\d+\.\d+$/.test(tag)) throw new Error(`docker-compose.yml's ${serviceName} image "${image}" has no X.Y.Z tag to build from`);
  return tag;
}

export function temporalServerVersions(): { serverVersion: string; uiVersion: string } {
  return { serverVersion: composeImageTag('temporal'), uiVersion: composeImageTag('temporal-ui') };
}

/** The binaries' paths, whether or not they are built yet. */
export function temporalServerPaths(): Omit<TemporalServerBuild, 'serverModuleDir' | 'uiModuleDir'> {
  const { serverVersion, uiVersion } = temporalServerVersions();
  const serverDir = toolsCacheDir(`temporal-server-v${serverVersion}`);
  return {
    serverVersion,
    uiVersion,
    server: join(serverDir, 'temporal-server'),
    sqlTool: join(serverDir, 'temporal-sql-tool'),
    uiServer: join(toolsCacheDir(`temporal-ui-server-v${uiVersion}`), 'ui-server'),
  };
}

async function moduleDir(moduleAtVersion: string): Promise<string> {
  // Outside any module, so no go.mod around the caller can interfere.
  mkdirSync(toolsCacheDir(''), { recursive: true });
  const { stdout } = await run('go', ['mod', 'download', '-json', moduleAtVersion], { cwd: toolsCacheDir(''), env: { ...process.env, GO111MODULE: 'on' } });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${moduleAtVersion} gave no source folder`);
  return dir;
}

/** Builds what is missing (minutes, once per machine and version) and returns where everything is. */
export async function ensureTemporalServer(log: (line: string) => void = (line) => console.error(line)): Promise<TemporalServerBuild> {
  if (!(await goIsAvailable())) {
    throw new Error('Go is not installed: `npm run stack:native` builds the Temporal server from the Go module proxy (Go 1.24 or newer, https://go.dev/dl/).');
  }
  const paths = temporalServerPaths();
  const server = `${SERVER_MODULE}@v${paths.serverVersion}`;
  const ui = `${UI_MODULE}@v${paths.uiVersion}`;
  await goInstall(`the Temporal server v${paths.serverVersion} and its SQL tool`, [
    { packageAtVersion: `${SERVER_MODULE}/cmd/server@v${paths.serverVersion}`, builtName: 'server', target: paths.server, ldflags: '-s -w' },
    { packageAtVersion: `${SERVER_MODULE}/cmd/tools/sql@v${paths.serverVersion}`, builtName: 'sql', target: paths.sqlTool, ldflags: '-s -w' },
  ], log);
  await goInstall(`the Temporal Web UI server v${paths.uiVersion}`, [
    { packageAtVersion: `${UI_MODULE}/cmd/server@v${paths.uiVersion}`, builtName: 'server', target: paths.uiServer, ldflags: '-s -w' },
  ], log);
  return { ...paths, serverModuleDir: await moduleDir(server), uiModuleDir: await moduleDir(ui) };
}
