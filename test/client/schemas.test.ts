/**
 * The committed JSON Schemas are what apps in other languages build against: they must match the
 * zod schemas they come from, and agree with zod on what a valid input or result is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../client/json-schemas.js';
import { IssueInvoiceResultSchema } from '../../contract/message-schemas.js';
import { IssueInvoiceInputSchema } from '../../contract/input.js';
import { type IssueInvoiceResult } from '../../contract/messages.js';
import { violations, type JsonSchema } from './json-schema-check.js';
import { sampleInvoice } from './sample-invoice.js';

const schemaDir = new URL('../../schema/', import.meta.url);
const committed = (name: string) => JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as JsonSchema;
const inputSchema = committed('issue-invoice-input.schema.json');
const resultSchema = committed('issue-invoice-result.schema.json');

const sampleInput = {
  invoiceKey: 'order-2026-000123',
  invoice: sampleInvoice() as Record<string, unknown>,
  options: { mode: 'direct', approval: 'manual' },
};

describe('committed JSON Schemas', () => {
  it('are what `npm run schemas` generates now', () => {
    const generated = jsonSchemaFiles();
    expect(readdirSync(schemaDir).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) {
      expect(readFileSync(new URL(name, schemaDir), 'utf8'), `schema/${name} is stale: run npm run schemas`).toBe(text);
    }
  });

  it('require what the workflow cannot default, and list the allowed choices', () => {
    expect(inputSchema.required).toEqual(['invoiceKey', 'invoice']);
    expect(inputSchema.properties?.invoice?.required).toEqual(['currency', 'buyer', 'items']);
    expect(inputSchema.properties?.invoice?.properties?.items?.items?.required).toEqual(['line_number', 'line_type', 'item_name']);
    expect(inputSchema.properties?.options?.properties?.mode?.enum).toEqual(['draft-then-issue', 'direct']);
    expect(inputSchema.properties?.options?.properties?.approval?.enum).toEqual(['auto', 'manual']);
    expect(inputSchema.properties?.invoice?.properties?.currency?.enum).toEqual(['VND', 'USD', 'CAD']);
  });
});

const lines = (input: typeof sampleInput) => input.invoice.items as Record<string, unknown>[];

/** Every schema node under `schema`, with its path. */
function* nodes(schema: JsonSchema, path = ''): Generator<[string, JsonSchema]> {
  yield [path, schema];
  for (const [key, child] of Object.entries(schema.properties ?? {})) yield* nodes(child, path ? `${path}.${key}` : key);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
  for (const choice of schema.anyOf ?? schema.oneOf ?? []) yield* nodes(choice, path);
}

describe('the input JSON Schema states the limits', () => {
  it('refuses unknown fields in every object', () => {
    const objects = [...nodes(inputSchema)].filter(([, node]) => node.type === 'object');
    expect(objects.map(([path]) => path)).toEqual(['', 'invoice', 'invoice.buyer', 'invoice.items[]', 'options']);
    for (const [path, node] of objects) expect(node.additionalProperties, path || '(input)').toBe(false);
  });

  it('caps every free-text string and the number of lines', () => {
    const uncapped = [...nodes(inputSchema)]
      .filter(([, node]) => node.type === 'string' && node.enum === undefined && node.maxLength === undefined && node.pattern === undefined)
      .map(([path]) => path);
    expect(uncapped).toEqual([]);
    expect(inputSchema.properties?.invoice?.properties?.items?.maxItems).toBe(500);
  });
});

describe('the input schema agrees with zod', () => {
  it('accepts the sample invoice', () => {
    expect(violations(inputSchema, sampleInput)).toEqual([]);
    expect(IssueInvoiceInputSchema.safeParse(sampleInput).success).toBe(true);
  });

  const broken: [string, (input: typeof sampleInput) => void, string][] = [
    ['a missing currency', (input) => delete input.invoice.currency, 'invoice'],
    ['an unknown currency', (input) => (input.invoice.currency = 'EUR'), 'invoice.currency'],
    ['no items', (input) => (input.invoice.items = []), 'invoice.items'],
    ['an item without a name', (input) => delete (input.invoice.items as Record<string, unknown>[])[0]!.item_name, 'invoice.items.0'],
    ['an unknown mode', (input) => (input.options.mode = 'fast'), 'options.mode'],
    ['an unknown option', (input) => Object.assign(input.options, { retries: 3 }), 'options'],
    ['a key with a space', (input) => (input.invoiceKey = 'order 1'), 'invoiceKey'],
    ['an unknown line field', (input) => Object.assign(lines(input)[0]!, { taxrate: 10 }), 'invoice.items.0'],
    ['an unknown buyer field', (input) => Object.assign(input.invoice.buyer as object, { mail: 'a@b.vn' }), 'invoice.buyer'],
    ['an over-long item name', (input) => (lines(input)[0]!.item_name = 'x'.repeat(501)), 'invoice.items.0.item_name'],
    ['too many lines', (input) => (input.invoice.items = Array.from({ length: 501 }, () => lines(input)[0])), 'invoice.items'],
  ];
  it.each(broken)('rejects %s at the same field', (_, breakIt, path) => {
    const input = structuredClone(sampleInput);
    breakIt(input);
    expect(violations(inputSchema, input).map((v) => v.path)).toContain(path);
    const parsed = IssueInvoiceInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const zodPaths = parsed.error!.issues.map((issue) => issue.path.join('.'));
    // zod names the missing field itself; JSON Schema names the object that lacks it.
    expect(zodPaths.some((zodPath) => zodPath === path || zodPath.startsWith(`${path}.`))).toBe(true);
  });
});

describe('the result schema agrees with zod', () => {
  const issued: IssueInvoiceResult = {
    outcome: 'issued',
    invoice: {
      referenceCode: 'order-1', invoiceNumber: '0000123', invoiceSeries: 'C25TAT', issuedDate: '2026-01-05', status: 'issued',
      totalBeforeTax: 500_000, taxAmount: 44_000, totalAmount: 544_000, pdfUrl: 'https://example.test/a.pdf', xmlUrl: null,
      taxAuthorityCode: null, providerAccountId: 'acc-1',
    },
    lateCancellation: { reason: 'customer asked', via: 'update', outcome: 'too-late' },
  };
  const cancelled: IssueInvoiceResult = { outcome: 'cancelled', referenceCode: 'order-1', reason: 'customer asked', draftDeleted: true };

  it.each([issued, cancelled])('accepts a $outcome result', (result) => {
    expect(violations(resultSchema, result)).toEqual([]);
    expect(IssueInvoiceResultSchema.safeParse(result).success).toBe(true);
  });

  it('rejects an issued result without its invoice number', () => {
    const incomplete = structuredClone(issued) as { invoice: Partial<typeof issued.invoice> };
    delete incomplete.invoice.invoiceNumber;
    expect(violations(resultSchema, incomplete)).not.toEqual([]);
    expect(IssueInvoiceResultSchema.safeParse(incomplete).success).toBe(false);
  });
});
