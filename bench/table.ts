/** Plain-text tables for the terminal: first column left-aligned, the others right-aligned. */
import type { Spread } from './stats.js';

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** A number with sensible precision: whole numbers stay whole, small fractions keep three decimals. */
export function num(value: number, digits = defaultDigits(value)): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function defaultDigits(value: number): number {
  const size = Math.abs(value);
  if (Number.isInteger(value) || size >= 100) return 0;
  return size < 1 ? 3 : size < 10 ? 2 : 1;
}

/** `median (min–max)`, or just the median for a single run. */
export function withSpread(figure: Spread, digits?: number): string {
  if (figure.runs <= 1) return num(figure.median, digits);
  return `${num(figure.median, digits)} (${num(figure.min, digits)}–${num(figure.max, digits)})`;
}
