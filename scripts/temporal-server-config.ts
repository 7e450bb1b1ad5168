/**
 * The Temporal server's configuration for `npm run stack:native`, made from the server's own
 * template (`docker/config_template.yaml` in go.temporal.io/server, what the temporalio/server
 * image renders with dockerize at start) so the native server reads the same settings from the
 * same environment variables as the image.
 *
 * The server's config loader renders a file as a Go template (with sprig) when a comment says
 * `enable-template`, which lets the server itself render the template from its own environment:
 * passwords stay in the environment, never in a file. Two dockerize-isms are translated:
 * `.Env.NAME` becomes `(env "NAME")`, and dockerize's `default VALUE FALLBACK` becomes sprig's
 * `default FALLBACK VALUE`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT_CALL = /\bdefault\s+\.Env\.(\w+)\s+("[^"]*"|\$\w+)/g;
const ENV_FIELD = /\.Env\.(\w+)/g;

/** The dockerize template as a template the server's loader renders itself. */
export function serverTemplateFromDockerize(dockerizeTemplate: string): string {
  const translated = dockerizeTemplate.replace(DEFAULT_CALL, (_, name: string, fallback: string) => `default ${fallback} (env "${name}")`).replace(ENV_FIELD, (_, name: string) => `(env "${name}")`);
  if (/\.Env\b/.test(translated)) throw new Error('the server config template uses .Env in a form this translation does not know');
  return `# enable-template (rendered by the Temporal server from its environment; made from docker/config_template.yaml)\n${translated}`;
}

/**
 * Writes `<root>/config/docker.yaml` from the template in `serverModuleDir`; start the server with
 * `--root <root> --config config --env docker`.
 */
export function writeServerConfig(serverModuleDir: string, root: string): { root: string; configDir: string; env: string } {
  const template = readFileSync(join(serverModuleDir, 'docker', 'config_template.yaml'), 'utf8');
  const configDir = join(root, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'docker.yaml'), serverTemplateFromDockerize(template));
  return { root, configDir: 'config', env: 'docker' };
}

/**
 * The standalone Web UI server's configuration: the image's own `config/docker.yaml` (already an
 * `enable-template` file reading the environment), over a base that binds it to `host`.
 */
export function writeUiConfig(uiModuleDir: string, root: string, host: string): { root: string; configDir: string; env: string } {
  const configDir = join(root, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'base.yaml'), `host: ${host}\n`);
  writeFileSync(join(configDir, 'docker.yaml'), readFileSync(join(uiModuleDir, 'config', 'docker.yaml'), 'utf8'));
  return { root, configDir: 'config', env: 'docker' };
}
