/** Reading option values that `node:util` parseArgs has already checked for shape. */
import { readFile } from 'node:fs/promises';
import { InvoiceKeySchema } from '../../contract/input.js';
import { UsageError } from './usage-error.js';

export type Values = Record<string, string | boolean | undefined>;

export function optionalString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(values: Values, name: string): string {
  const value = optionalString(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

/**
 * `--key`, checked against the rules every invoice key follows: a key no run can have is a mistake
 * on the command line (exit code 2), not a run Temporal could not find.
 */
export function requiredInvoiceKey(values: Values): string {
  const key = requiredString(values, 'key');
  const parsed = InvoiceKeySchema.safeParse(key);
  if (!parsed.success) {
    // Quoted and escaped: the value may hold anything a shell let through.
    const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
    throw new UsageError(`--key ${shown} is not an invoice key: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return key;
}

export function positiveInteger(values: Values, name: string, fallback: number): number {
  const text = optionalString(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

export async function readJsonFile(values: Values, name: string): Promise<unknown> {
  const path = requiredString(values, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --${name} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--${name} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
