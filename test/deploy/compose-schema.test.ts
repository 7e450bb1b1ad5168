/**
 * No Docker engine runs here, so docker-compose.yml is checked against the Compose specification's
 * own JSON schema, and the validator is shown to reject what Compose rejects.
 */
import { readFileSync } from 'node:fs';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { COMPOSE_FILE, readComposeDocument } from './compose-file.js';
import { composeSchemaValidator } from './compose-schema.js';

const validate = composeSchemaValidator();
const errorsOf = (document: unknown) => (validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema', () => {
    expect(errorsOf(readComposeDocument())).toEqual([]);
  });

  it.each([
    ['a misspelled service key', (text: string) => text.replace('    image: postgres:', '    imagee: postgres:')],
    ['an unknown depends_on condition', (text: string) => text.replace('condition: service_completed_successfully', 'condition: service_finished')],
    ['replicas that are not a number', (text: string) => text.replace('replicas: 2', 'replicas: [2]')],
    ['an unknown top-level key', (text: string) => `${text}\nservice: {}\n`],
  ])('fails the schema with %s (the validator is real)', (_label, breakIt) => {
    const original = readFileSync(COMPOSE_FILE, 'utf8');
    const broken = breakIt(original);
    expect(broken).not.toBe(original);
    expect(errorsOf(readComposeDocument(broken))).not.toEqual([]);
  });

  it('has no errors from dclint, a Compose linter (schema and security rules; style warnings aside)', () => {
    const [result] = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] }).lintFiles([COMPOSE_FILE], false);
    expect(result?.messages.filter((message: { type: string }) => message.type === 'error')).toEqual([]);
  });
});
