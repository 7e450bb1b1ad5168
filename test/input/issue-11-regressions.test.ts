/**
 * Issue #11, findings 4 and 7: inputs that used to pass validation and then looped on
 * workflow-task failures or reached SePay wrong. Each is now refused by the client and by the
 * workflow with `InvalidInvoiceInput` naming the path.
 */
import { compileRetryPolicy } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { formatVietnamDateTime } from '../../workflows/vietnam-time.js';
import { issuesOf, validInput } from './refusal.js';

describe('issue #11 finding 4: pollInitialInterval > pollMaximumInterval', () => {
  const options = { pollInitialInterval: '30 seconds', pollMaximumInterval: '10 seconds' };

  it('is what the SDK refuses while scheduling the poll (the workflow-task failure loop)', () => {
    expect(() => compileRetryPolicy({ initialInterval: options.pollInitialInterval, maximumInterval: options.pollMaximumInterval })).toThrow(
      /maximumInterval cannot be less than its initialInterval/,
    );
  });

  it('is refused before the run starts, naming both options', () => {
    const input = validInput();
    input.options = options;
    expect(issuesOf(input)).toEqual(['options.pollInitialInterval: must not be longer than options.pollMaximumInterval (30 seconds > 10 seconds)']);
  });
});

describe('issue #11 finding 7: invoices that reached SePay wrong', () => {
  it('a typo `taxrate` in a line is refused, not dropped', () => {
    const input = validInput();
    const [line] = input.invoice.items as Record<string, unknown>[];
    line!.taxrate = line!.tax_rate;
    delete line!.tax_rate;
    expect(issuesOf(input)).toContain('invoice.items.0.taxrate: unknown field');
  });

  it('a typo `discount_amout` in a line is refused, not dropped', () => {
    const input = validInput();
    Object.assign((input.invoice.items as Record<string, unknown>[])[1]!, { discount_amout: 20000 });
    expect(issuesOf(input)).toEqual(['invoice.items.1.discount_amout: unknown field']);
  });

  it('a VAT-template line without tax_rate is refused', () => {
    const input = validInput();
    delete (input.invoice.items as Record<string, unknown>[])[0]!.tax_rate;
    expect(issuesOf(input)).toEqual(['invoice.items.0.tax_rate: required on a VAT invoice (template_code "1")']);
  });

  it('a future issued_date is refused', () => {
    const input = validInput();
    input.invoice.issued_date = formatVietnamDateTime(new Date(Date.now() + 7 * 24 * 60 * 60 * 1000));
    expect(issuesOf(input)).toEqual(['invoice.issued_date: must not be in the future (Vietnam time, UTC+7)']);
  });

  it('`buyer: {}` is refused', () => {
    const input = validInput();
    input.invoice.buyer = {};
    expect(issuesOf(input)).toEqual(['invoice.buyer: needs name or legal_name']);
  });

  it('a non-integer VND amount is refused', () => {
    const input = validInput();
    (input.invoice.items as Record<string, unknown>[])[0]!.unit_price = 99999.99;
    expect(issuesOf(input)).toEqual(['invoice.items.0.unit_price: VND amounts are whole numbers']);
  });
});
