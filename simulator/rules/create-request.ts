/**
 * The simulator's own rules for a create request, written from `sepay-einvoice-api.md` §5.1–§5.3,
 * §22 item 3 and §23, never from our client's schemas: if the client and SePay disagree about what
 * a valid invoice is, tests against the simulator must be able to show it.
 *
 * Only what SePay documents is refused. Unknown keys are not documented to be rejected, so they are
 * dropped here (the client is the one that must refuse typos); no lengths, sign rules or
 * item-count limits are documented (§5.1, §23 #9), so none are invented.
 */
import { z } from 'zod';

const CURRENCIES = ['VND', 'USD', 'CAD'] as const;
const PAYMENT_METHODS = ['TM', 'CK', 'TM/CK', 'KHAC'] as const;
const BUYER_TYPES = ['personal', 'company'] as const;
/** 1 goods/service, 2 promotion, 3 trade discount, 4 note (§5.3). */
const LINE_TYPES = [1, 2, 3, 4] as const;
/** Percent; -2 not subject to VAT, -1 not declared (§5.3). */
const TAX_RATES = [-2, -1, 0, 5, 8, 10] as const;

/** Required and not blank; kept as sent (a reference code is an identity, never rewritten). */
const requiredText = z.string().refine((s) => s.trim() !== '', 'required, must not be blank');

const oneOf = <T extends readonly (string | number)[]>(values: T) =>
  z.custom<T[number]>((v) => values.includes(v as T[number]), `expected one of ${values.join(', ')}`);

/** `YYYY-MM-DD HH:mm:ss` (§1.4) and a real calendar moment: "2025-02-30 …" is refused, not rolled over. */
export const IssuedDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:mm:ss"')
  .refine((value) => {
    const iso = value.replace(' ', 'T');
    const parsed = new Date(`${iso}Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso);
  }, 'not a real date and time');

/** "max 2 decimal places" (§5.3): 1.5 and 2.75 pass, 1.234 does not. */
function hasAtMostTwoDecimals(n: number): boolean {
  const scaled = n * 100;
  return Math.abs(Math.round(scaled) - scaled) < 1e-6;
}

/** Every sub-field is optional (§5.2); a name or a legal name is required (§23 #9). */
export const BuyerRules = z
  .object({
    type: oneOf(BUYER_TYPES).optional(),
    name: z.string().optional(),
    legal_name: z.string().optional(),
    tax_code: z.string().optional(),
    address: z.string().optional(),
    email: z.email('not an email address').optional(),
    phone: z.string().optional(),
    buyer_code: z.string().optional(),
    national_id: z.string().optional(),
  })
  .refine((buyer) => Boolean(buyer.name?.trim() || buyer.legal_name?.trim()), {
    message: 'buyer.name or buyer.legal_name is required',
    path: ['name'],
  });

export const LineRules = z.object({
  line_number: z.int('expected an integer'),
  line_type: oneOf(LINE_TYPES),
  item_code: z.string().optional(),
  item_name: requiredText,
  unit: z.string().optional(),
  quantity: z.number().refine(hasAtMostTwoDecimals, 'at most 2 decimal places').optional(),
  unit_price: z.number().optional(),
  tax_rate: oneOf(TAX_RATES).optional(),
  discount_tax: z.number().optional(),
  discount_amount: z.number().optional(),
  before_discount_and_tax_amount: z.number().optional(),
});

/** The fields and their types; `CreateRequestRules` adds the rules that span fields. */
export const CreateRequestShape = z.object({
  template_code: requiredText,
  invoice_series: requiredText,
  issued_date: IssuedDateTime,
  currency: oneOf(CURRENCIES),
  provider_account_id: requiredText,
  reference_code: requiredText.optional(),
  payment_method: oneOf(PAYMENT_METHODS).optional(),
  // Optional in the current docs with no default; the legacy docs required it. Missing → 400 (§23 #3).
  is_draft: z.boolean('required: true (draft) or false (issue now)'),
  buyer: BuyerRules,
  items: z.array(LineRules).min(1, 'at least one line is required'),
  notes: z.string().optional(),
  // §5.1: "a non-integer (e.g. 100000.5) → 400".
  total_amount: z.int('expected an integer').optional(),
});

/** Template "1" is the VAT invoice (§4, observed convention); template "2" the sales invoice. */
const VAT_TEMPLATE_CODE = '1';
/** Goods and promotion lines carry VAT; a note (4) carries nothing, a trade discount (3) only in one example. */
const LINE_TYPES_NEEDING_TAX_RATE: ReadonlySet<number> = new Set([1, 2]);

/**
 * §5.3: `tax_rate` is "required for VAT invoices". The docs do not say when SePay refuses a line
 * without it; the simulator refuses at once (400), the safe choice that surfaces a client bug.
 */
export const CreateRequestRules = CreateRequestShape.superRefine((request, context) => {
  if (request.template_code !== VAT_TEMPLATE_CODE) return;
  request.items.forEach((line, i) => {
    if (LINE_TYPES_NEEDING_TAX_RATE.has(line.line_type) && line.tax_rate === undefined) {
      context.addIssue({ code: 'custom', path: ['items', i, 'tax_rate'], message: 'required on a VAT invoice (template 1)' });
    }
  });
});

export type SimBuyer = z.output<typeof BuyerRules>;
export type SimLine = z.output<typeof LineRules>;
export type SimCreateRequest = z.output<typeof CreateRequestShape>;
