/**
 * A run started before validation moved into a local activity parses its input inside the
 * workflow on every replay. It must keep the outcome it had when it started, so the legacy parser
 * keeps the old rules: what they accepted stays accepted, what they refused stays refused.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../../contract/failure-types.js';
import { parseIssueInput, parseLegacyIssueInput } from '../../workflows/input-parser.js';
import { formatVietnamDateTime } from '../../workflows/vietnam-time.js';
import { validInput } from './refusal.js';

const refusedBy = (parse: (input: unknown) => unknown, input: unknown) => {
  try {
    parse(input);
  } catch (error) {
    return error instanceof ApplicationFailure && error.type === FailureType.InvalidInvoiceInput && error.nonRetryable;
  }
  return false;
};

describe('the in-sandbox parse of runs started before the local activity', () => {
  it.each([
    ['an unknown line field (dropped then)', (input: ReturnType<typeof validInput>) => Object.assign((input.invoice.items as object[])[0]!, { taxrate: 10 })],
    ['an unnamed buyer', (input: ReturnType<typeof validInput>) => (input.invoice.buyer = {})],
    ['a future issued_date', (input: ReturnType<typeof validInput>) => (input.invoice.issued_date = formatVietnamDateTime(new Date(Date.now() + 86_400_000)))],
    ['pollInitialInterval > pollMaximumInterval', (input: ReturnType<typeof validInput>) => (input.options = { pollInitialInterval: '1m', pollMaximumInterval: '1s' })],
  ])('still accepts %s, which the current rules refuse', (_, spoil) => {
    const input = validInput();
    spoil(input);
    expect(refusedBy(parseIssueInput, input)).toBe(true);
    expect(refusedBy(parseLegacyIssueInput, input)).toBe(false);
  });

  it('still refuses what the old rules refused', () => {
    const input = validInput();
    delete input.invoice.currency;
    expect(refusedBy(parseLegacyIssueInput, input)).toBe(true);
  });

  it('gives a valid input the same parsed value as the current rules', () => {
    const input = validInput();
    input.options = { mode: 'direct', pollInitialInterval: '50ms', pollMaximumInterval: '200ms' };
    expect(parseLegacyIssueInput(input)).toEqual(parseIssueInput(input));
  });
});
