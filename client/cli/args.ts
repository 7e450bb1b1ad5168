/** Reading option values that `node:util` parseArgs has already checked for shape. */
import { readFile } from 'node:fs/promises';
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
