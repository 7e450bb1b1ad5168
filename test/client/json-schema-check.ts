/**
 * Just enough JSON Schema checking (the keywords our generated schemas use) to show that they
 * agree with zod, without a validator dependency.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
}

export interface Violation {
  path: string;
  problem: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function violations(schema: JsonSchema, value: unknown, path = ''): Violation[] {
  const at = (problem: string): Violation[] => [{ path, problem }];
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return choices.some((choice) => violations(choice, value, path).length === 0) ? [] : at('matches no alternative');
  const type = typeOf(value);
  const allowed = schema.type === undefined ? undefined : [schema.type].flat();
  if (allowed && !allowed.includes(type) && !(type === 'integer' && allowed.includes('number'))) return at(`expected ${allowed.join(' or ')}, got ${type}`);
  if (schema.enum && !schema.enum.includes(value)) return at(`not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) return at(`expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) return at(`does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) return at('too short');
    // JSON Schema counts code points, as zod does.
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return at('too long');
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return at('too small');
  const child = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return at('too few items');
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return at('too many items');
    return value.flatMap((item, index) => (schema.items ? violations(schema.items, item, child(index)) : []));
  }
  if (type !== 'object') return [];
  const object = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((key) => !(key in object));
  if (missing.length > 0) return at(`missing ${missing.join(', ')}`);
  return Object.entries(object).flatMap(([key, field]) => {
    const fieldSchema = schema.properties?.[key];
    if (fieldSchema) return violations(fieldSchema, field, child(key));
    return schema.additionalProperties === false ? [{ path, problem: `unexpected ${key}` }] : [];
  });
}
