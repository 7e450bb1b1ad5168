import { describe, expect, it } from 'vitest';
import { type SimLine } from '../../simulator/rules/create-request.js';
import { invoiceTotals, lineTotals, roundTo } from '../../simulator/totals.js';

const goods = (line: Partial<SimLine>): SimLine => ({ line_number: 1, line_type: 1, item_name: 'x', ...line });

describe('invoice totals (spec §22.7)', () => {
  it('matches the documented detail example: 2 × 100 000 at 10 %', () => {
    expect(invoiceTotals({ items: [goods({ quantity: 2, unit_price: 100_000, tax_rate: 10 })] })).toMatchObject({
      total_before_tax: 200_000,
      tax_amount: 20_000,
      total_amount: 220_000,
    });
  });

  it('sums lines with different rates', () => {
    const items = [
      goods({ quantity: 2, unit_price: 100_000, tax_rate: 10 }),
      goods({ line_number: 2, quantity: 1.5, unit_price: 200_000, tax_rate: 8 }),
      goods({ line_number: 3, quantity: 1, unit_price: 50_000, tax_rate: 5 }),
      goods({ line_number: 4, quantity: 3, unit_price: 10_000, tax_rate: 0 }),
    ];
    expect(invoiceTotals({ items })).toMatchObject({ total_before_tax: 580_000, tax_amount: 46_500, total_amount: 626_500 });
  });

  it('applies discount_tax as a percentage of the gross and discount_amount as an amount', () => {
    expect(lineTotals(goods({ quantity: 1, unit_price: 4_500_000, tax_rate: 10, discount_tax: 10 }))).toMatchObject({
      amount: 4_050_000,
      tax: 405_000,
    });
    expect(lineTotals(goods({ quantity: 2, unit_price: 100_000, tax_rate: 10, discount_amount: 30_000 }))).toMatchObject({
      amount: 170_000,
      tax: 17_000,
    });
    // discount_amount wins when both are given.
    expect(lineTotals(goods({ quantity: 1, unit_price: 1000, discount_tax: 50, discount_amount: 100 })).amount).toBe(900);
  });

  it('charges no VAT for rates -1 (not declared) and -2 (not subject), nor without a rate', () => {
    for (const tax_rate of [-1, -2, undefined] as const) {
      expect(invoiceTotals({ items: [goods({ quantity: 1, unit_price: 100_000, tax_rate })] })).toMatchObject({
        total_before_tax: 100_000,
        tax_amount: 0,
        total_amount: 100_000,
      });
    }
  });

  it('counts a promotion line (type 2) only when it has a price', () => {
    const free = goods({ line_number: 2, line_type: 2, quantity: 1, tax_rate: 10 });
    const priced = { ...free, unit_price: 50_000 };
    const base = goods({ quantity: 1, unit_price: 100_000, tax_rate: 10 });
    expect(invoiceTotals({ items: [base, free] }).total_amount).toBe(110_000);
    expect(lineTotals(free).sign).toBe(0);
    expect(invoiceTotals({ items: [base, priced] }).total_amount).toBe(165_000);
  });

  it('subtracts a trade discount line (type 3) and its tax', () => {
    const items = [
      goods({ quantity: 1, unit_price: 4_500_000, tax_rate: 10 }),
      { line_number: 2, line_type: 3, item_name: 'Chiết khấu thương mại', before_discount_and_tax_amount: 500_000, tax_rate: 10 } as const,
    ];
    expect(invoiceTotals({ items })).toMatchObject({ total_before_tax: 4_000_000, tax_amount: 400_000, total_amount: 4_400_000 });
  });

  it('ignores note lines (type 4)', () => {
    const note: SimLine = { line_number: 2, line_type: 4, item_name: 'Hàng tặng không thu tiền' };
    expect(invoiceTotals({ items: [goods({ quantity: 1, unit_price: 1000 }), note] })).toMatchObject({
      total_before_tax: 1000,
      tax_amount: 0,
      total_amount: 1000,
    });
    expect(lineTotals(note).quantity).toBeNull();
  });

  it('uses a given total_amount verbatim, without reconciling it', () => {
    const totals = invoiceTotals({ items: [goods({ quantity: 2, unit_price: 100_000, tax_rate: 10 })], total_amount: 4_950_000 });
    expect(totals).toMatchObject({ total_before_tax: 200_000, tax_amount: 20_000, total_amount: 4_950_000 });
  });

  it('treats a priced line without quantity as one unit', () => {
    expect(lineTotals(goods({ unit_price: 75_000 }))).toMatchObject({ quantity: 1, amount: 75_000 });
  });

  it('rounds lines to 2 decimals half away from zero and the total to an integer', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(2.5, 0)).toBe(3);
    expect(Object.is(roundTo(-0.001, 2), 0)).toBe(true);
    // 0.33 × 3.33 = 1.0989 → 1.10; tax 8 % of 1.10 = 0.088 → 0.09; total 1.19 → 1.
    expect(invoiceTotals({ items: [goods({ quantity: 0.33, unit_price: 3.33, tax_rate: 8 })] })).toMatchObject({
      total_before_tax: 1.1,
      tax_amount: 0.09,
      total_amount: 1,
    });
    // 12 345.67 + 8 % → 987.65; 13 333.32 rounds to 13 333.
    expect(invoiceTotals({ items: [goods({ quantity: 1, unit_price: 12_345.67, tax_rate: 8 })] })).toMatchObject({
      tax_amount: 987.65,
      total_amount: 13_333,
    });
  });
});
