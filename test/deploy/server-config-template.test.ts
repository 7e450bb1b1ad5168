/**
 * The translation that lets the Temporal server render its image's dockerize config template
 * itself (scripts/temporal-server-config.ts): dockerize's `.Env.X` and `default VALUE FALLBACK`
 * become sprig's `env "X"` and `default FALLBACK VALUE`, and the file is marked as a template.
 */
import { describe, expect, it } from 'vitest';
import { serverTemplateFromDockerize } from '../../scripts/temporal-server-config.js';

describe('the server config template for the native stack', () => {
  it('marks the file as a template the server renders', () => {
    expect(serverTemplateFromDockerize('a: 1\n').split('\n')[0]).toMatch(/^# enable-template/);
  });

  it('swaps dockerize default arguments into sprig order, literal or variable fallback', () => {
    expect(serverTemplateFromDockerize('x: {{ default .Env.NUM_HISTORY_SHARDS "4" }}')).toContain('x: {{ default "4" (env "NUM_HISTORY_SHARDS") }}');
    expect(serverTemplateFromDockerize('{{ $s := default .Env.VISIBILITY_SEEDS $seeds }}')).toContain('{{ $s := default $seeds (env "VISIBILITY_SEEDS") }}');
    expect(serverTemplateFromDockerize('{{ default .Env.ENABLE_ES "false" | lower }}')).toContain('{{ default "false" (env "ENABLE_ES") | lower }}');
  });

  it('reads every other .Env field from the environment', () => {
    expect(serverTemplateFromDockerize('{{- if .Env.USE_INTERNAL_FRONTEND }}{{ .Env.STATSD_ENDPOINT }}{{ end }}')).toContain('{{- if (env "USE_INTERNAL_FRONTEND") }}{{ (env "STATSD_ENDPOINT") }}{{ end }}');
    expect(serverTemplateFromDockerize('{{ range split .Env.AUTHS "," }}')).toContain('{{ range split (env "AUTHS") "," }}');
  });

  it('refuses a form it does not know rather than render it wrong', () => {
    expect(() => serverTemplateFromDockerize('{{ index .Env "X" }}')).toThrow(/\.Env/);
  });
});
