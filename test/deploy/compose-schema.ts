/**
 * The Compose specification's JSON schema (compose-spec/compose-spec `schema/compose-spec.json`,
 * as the Compose linter dclint ships it, pinned by its exact version) compiled with ajv.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

export function composeSchemaValidator(): ValidateFunction {
  const dclint = dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dclint, 'schemas', 'compose.schema.json'), 'utf8')) as { $schema?: string };
  if (!DRAFT_07.test(schema.$schema ?? '')) throw new Error(`expected a draft-07 Compose schema, got $schema ${schema.$schema}`);
  // ajv knows draft-07 by its canonical id (http, with #); the schema spells it with https.
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false });
  return ajv.compile({ ...schema, $schema: 'http://json-schema.org/draft-07/schema#' });
}
