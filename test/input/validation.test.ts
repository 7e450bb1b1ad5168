/**
 * Each input rule, refused before anything reaches SePay, with the same issue lines from the
 * client (`validateIssueInput`) and the workflow side (`parseIssueInput`), each naming its path.
 */
import { describe, expect, it } from 'vitest';
import { MAX_INVOICE_BYTES, MAX_INVOICE_LINES, MAX_LENGTH } from '../../contract/invoice-limits.js';
import { describeVatLinesMissingTaxRate, ISSUED_DATE_CLOCK_SKEW_MS, serialisedSize } from '../../contract/invoice-rules.js';
import { formatVietnamDateTime } from '../../workflows/vietnam-time.js';
import { accepted, issuesOf, validInput } from './refusal.js';

type Line = Record<string, unknown>;
const linesOf = (input: ReturnType<typeof validInput>) => input.invoice.items as Line[];
const buyerOf = (input: ReturnType<typeof validInput>) => input.invoice.buyer as Record<string, unknown>;

describe('unknown fields are refused at every level, named by path', () => {
  it.each([
    ['the input', (input: ReturnType<typeof validInput>) => Object.assign(input, { invoce: {} }), 'invoce: unknown field'],
    ['invoice', (input: ReturnType<typeof validInput>) => Object.assign(input.invoice, { note: 'x' }), 'invoice.note: unknown field'],
    ['invoice.buyer', (input: ReturnType<typeof validInput>) => Object.assign(buyerOf(input), { mail: 'a@b.vn' }), 'invoice.buyer.mail: unknown field'],
    ['invoice.items[]', (input: ReturnType<typeof validInput>) => Object.assign(linesOf(input)[1]!, { taxrate: 8 }), 'invoice.items.1.taxrate: unknown field'],
    ['options', (input: ReturnType<typeof validInput>) => Object.assign(input.options, { retries: 3 }), 'options.retries: unknown field'],
  ])('in %s', (_, spoil, issue) => {
    const input = validInput();
    spoil(input);
    expect(issuesOf(input)).toEqual([issue]);
  });

  it('reports every unknown field of one object on its own line', () => {
    const input = validInput();
    Object.assign(linesOf(input)[0]!, { taxrate: 10, discount_amout: 5000 });
    expect(issuesOf(input)).toEqual(['invoice.items.0.taxrate: unknown field', 'invoice.items.0.discount_amout: unknown field']);
  });

  it('shortens an absurdly long unknown field name in the report', () => {
    const input = validInput();
    Object.assign(input.invoice, { ['x'.repeat(10_000)]: 1 });
    const [issue] = issuesOf(input);
    expect(issue!.length).toBeLessThan(100);
    expect(issue).toMatch(/^invoice\.x+…: unknown field$/);
  });
});

describe('goods lines of a VAT invoice (template_code "1") need tax_rate', () => {
  it('refuses a type-1 or type-2 line without tax_rate, naming the line', () => {
    const input = validInput();
    delete linesOf(input)[1]!.tax_rate;
    linesOf(input).push({ line_number: 3, line_type: 2, item_name: 'Quà tặng', quantity: 1 });
    expect(issuesOf(input)).toEqual([
      'invoice.items.1.tax_rate: required on a VAT invoice (template_code "1")',
      'invoice.items.2.tax_rate: required on a VAT invoice (template_code "1")',
    ]);
  });

  it('accepts discount and note lines without tax_rate, and sales invoices (template 2) without any', () => {
    const vat = validInput();
    linesOf(vat).push({ line_number: 3, line_type: 4, item_name: 'Hàng tặng không thu tiền' });
    accepted(vat);

    const sales = validInput();
    sales.invoice.template_code = '2';
    for (const line of linesOf(sales)) delete line.tax_rate;
    accepted(sales);
  });

  it('leaves the check to the create step when the worker default picks the template, with the same wording', () => {
    const input = validInput();
    delete input.invoice.template_code;
    delete linesOf(input)[0]!.tax_rate;
    const parsed = accepted(input);
    expect(describeVatLinesMissingTaxRate(parsed.invoice, '1')).toEqual(['invoice.items.0.tax_rate: required on a VAT invoice (template_code "1")']);
    expect(describeVatLinesMissingTaxRate(parsed.invoice, '2')).toEqual([]);
  });
});

describe('issued_date is not in the future, in Vietnam time', () => {
  const vietnamTime = (offsetMs: number) => formatVietnamDateTime(new Date(Date.now() + offsetMs));

  it('refuses a date a day ahead', () => {
    const input = validInput();
    input.invoice.issued_date = vietnamTime(24 * 60 * 60 * 1000);
    expect(issuesOf(input)).toEqual(['invoice.issued_date: must not be in the future (Vietnam time, UTC+7)']);
  });

  it('accepts a past date, and one a minute ahead (a caller clock within the allowed skew)', () => {
    expect(ISSUED_DATE_CLOCK_SKEW_MS).toBeGreaterThan(60_000);
    for (const offsetMs of [-24 * 60 * 60 * 1000, 60_000]) {
      const input = validInput();
      input.invoice.issued_date = vietnamTime(offsetMs);
      expect(accepted(input).invoice.issued_date).toBe(input.invoice.issued_date);
    }
  });

  it('reads the date as UTC+7: the current UTC wall clock is 7 hours in the past there', () => {
    const input = validInput();
    // "Now" written as UTC wall-clock time, which in Vietnam is 7 hours ago: accepted.
    input.invoice.issued_date = new Date().toISOString().slice(0, 19).replace('T', ' ');
    accepted(input);
  });
});

describe('the buyer is named', () => {
  it.each([
    ['no name at all', {}],
    ['only blank names', { name: '  ', legal_name: '' }],
    ['a tax code but no name', { tax_code: '0101234567' }],
  ])('refuses %s', (_, buyer) => {
    const input = validInput();
    input.invoice.buyer = buyer;
    expect(issuesOf(input)).toEqual(['invoice.buyer: needs name or legal_name']);
  });

  it('accepts a legal_name alone', () => {
    const input = validInput();
    input.invoice.buyer = { type: 'company', legal_name: 'Công ty TNHH Ví Dụ' };
    accepted(input);
  });
});

describe('amounts fit the currency', () => {
  it.each(['unit_price', 'discount_amount', 'before_discount_and_tax_amount'])('refuses a fractional VND %s', (field) => {
    const input = validInput();
    linesOf(input)[0]![field] = 1000.5;
    expect(issuesOf(input)).toEqual([`invoice.items.0.${field}: VND amounts are whole numbers`]);
  });

  it('refuses a fractional total_amount in any currency', () => {
    const input = validInput();
    input.invoice.total_amount = 440000.5;
    expect(issuesOf(input)).toEqual(['invoice.total_amount: Invalid input: expected int, received number']);
  });

  it('keeps 2 decimal places for USD and CAD amounts, and for quantities', () => {
    const input = validInput();
    input.invoice.currency = 'USD';
    linesOf(input)[0]!.unit_price = 12.345;
    expect(issuesOf(input)).toEqual(['invoice.items.0.unit_price: USD amounts have at most 2 decimal places']);

    linesOf(input)[0]!.unit_price = 12.35;
    linesOf(input)[1]!.quantity = 2.75;
    accepted(input);
  });
});

describe('size caps (SePay documents none; contract/invoice-limits.ts)', () => {
  it('refuses a string over its cap, naming the cap', () => {
    const input = validInput();
    linesOf(input)[0]!.item_name = 'a'.repeat(MAX_LENGTH.line.item_name + 1);
    buyerOf(input).address = 'b'.repeat(MAX_LENGTH.buyer.address + 1);
    input.invoice.notes = 'c'.repeat(MAX_LENGTH.invoice.notes + 1);
    expect(issuesOf(input)).toEqual([
      'invoice.buyer.address: at most 400 characters',
      'invoice.items.0.item_name: at most 500 characters',
      'invoice.notes: at most 1000 characters',
    ]);
  });

  it('counts characters, not bytes, and accepts a string at its cap', () => {
    const input = validInput();
    linesOf(input)[0]!.item_name = 'ệ'.repeat(MAX_LENGTH.line.item_name);
    accepted(input);
  });

  it(`refuses more than ${MAX_INVOICE_LINES} lines`, () => {
    const input = validInput();
    const [line] = linesOf(input);
    input.invoice.items = Array.from({ length: MAX_INVOICE_LINES + 1 }, (_, index) => ({ ...line, line_number: index + 1 }));
    expect(issuesOf(input)).toEqual([`invoice.items: at most ${MAX_INVOICE_LINES} lines`]);
  });

  it('refuses an invoice whose fields each fit but whose serialised size does not', () => {
    const input = validInput();
    const [line] = linesOf(input);
    input.invoice.items = Array.from({ length: MAX_INVOICE_LINES }, (_, index) => ({
      ...line,
      line_number: index + 1,
      item_name: 'Sản phẩm '.repeat(50).slice(0, MAX_LENGTH.line.item_name),
    }));
    expect(serialisedSize(input.invoice)).toBeGreaterThan(MAX_INVOICE_BYTES);
    expect(issuesOf(input)).toEqual([expect.stringMatching(/^invoice: serialised size \d+ KiB exceeds the 256 KiB limit$/)]);
  });

  it('refuses a 3 MB invoice before start, naming the size limit (issue #12 finding 4)', () => {
    const input = validInput();
    input.invoice.notes = 'x'.repeat(3 * 1024 * 1024);
    expect(issuesOf(input)).toEqual(['invoice.notes: at most 1000 characters', 'invoice: serialised size 3.0 MiB exceeds the 256 KiB limit']);
  });

  it('reports a bounded number of problems however many there are', () => {
    const input = validInput();
    const [line] = linesOf(input);
    input.invoice.items = Array.from({ length: MAX_INVOICE_LINES }, (_, index) => ({ ...line, line_number: index + 1, unit_price: -1, quantity: -1 }));
    const issues = issuesOf(input);
    expect(issues).toHaveLength(51);
    expect(issues.at(-1)).toBe('… and 950 more problems');
  });
});

describe('options that Temporal would refuse, or that contradict each other', () => {
  it.each([
    ['pollInitialInterval', 'pollMaximumInterval', { pollInitialInterval: '2 minutes', pollMaximumInterval: '1 minute' }, '2 minutes > 1 minute'],
    ['pollMaximumInterval', 'creationTimeout', { pollMaximumInterval: '2h', creationTimeout: '1h' }, '2h > 1h'],
    ['pollMaximumInterval', 'issuanceTimeout', { pollMaximumInterval: '2h', issuanceTimeout: '1h' }, '2h > 1h'],
    ['pollFastPhase', 'creationTimeout', { pollFastPhase: '1 minute', pollMaximumInterval: '10s', creationTimeout: 30_000 }, '1 minute > 30000'],
    ['pollFastPhase', 'issuanceTimeout', { pollFastPhase: '50 minutes', issuanceTimeout: '45 minutes' }, '50 minutes > 45 minutes'],
    // With the maximum unset it fits the wait, and the first pause is what contradicts the wait.
    ['pollInitialInterval', 'creationTimeout', { pollInitialInterval: '10 minutes', creationTimeout: '5 minutes' }, '10 minutes > 5 minutes'],
  ])('refuses %s longer than %s, naming both', (shorter, longer, options, values) => {
    const input = validInput();
    input.options = options;
    expect(issuesOf(input)).toEqual([`options.${shorter}: must not be longer than options.${longer} (${values})`]);
  });

  it.each([
    ['an unparseable string', 'soon'],
    ['zero', 0],
    ['a negative string', '-5s'],
    ['a fraction of a millisecond', '0.5ms'],
    ['more than 100 years', '101y'],
    ['a string longer than the SDK parses', `${'1'.repeat(120)}ms`],
  ])('refuses a duration that is %s', (_, approvalTimeout) => {
    const input = validInput();
    input.options = { approvalTimeout };
    expect(issuesOf(input)).toEqual([
      'options.approvalTimeout: expected a positive duration of whole milliseconds up to 100 years, such as 30000, "90s" or "2 hours"',
    ]);
  });

  it('refuses a fast phase over an hour (it holds an activity slot while it checks)', () => {
    const input = validInput();
    input.options = { pollFastPhase: '2 hours' };
    expect(issuesOf(input)).toEqual(['options.pollFastPhase: at most 1 hour']);
  });

  it('accepts a short wait alone, fitting the polling defaults to it (issue #20)', () => {
    const input = validInput();
    input.options = { creationTimeout: '30 seconds' };
    expect(accepted(input).options).toMatchObject({ creationTimeout: '30 seconds', pollMaximumInterval: '30 seconds', pollFastPhase: '30 seconds', pollInitialInterval: '2 seconds' });
  });

  it('accepts the defaults and the fast polling the tests use', () => {
    expect(accepted(validInput()).options).toMatchObject({ pollInitialInterval: '2 seconds', pollMaximumInterval: '1 minute', pollFastPhase: '30 seconds' });
    const input = validInput();
    input.options = { pollInitialInterval: '50ms', pollMaximumInterval: '200ms', pollFastPhase: '3s', creationTimeout: '2 minutes' };
    accepted(input);
  });
});
