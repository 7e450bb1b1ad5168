/**
 * The one place that says how big an invoice may be. SePay documents no maximum length, pattern or
 * line count for any field (API reference §5.1), so these caps are ours: generous for any real
 * invoice, and small enough that an invoice never comes near Temporal's payload limits. The input
 * is written into history about three times (the start event, the validation result, the create
 * step's input); Temporal warns above 512 KiB per payload and refuses blobs above 2 MB, so a
 * 256 KiB invoice keeps every copy far from both.
 */

/** Serialised size (UTF-8 bytes of its JSON) of the `invoice` object. */
export const MAX_INVOICE_BYTES = 256 * 1024;

/** Lines in `invoice.items`. */
export const MAX_INVOICE_LINES = 500;

/**
 * Maximum lengths, in characters, of the invoice's strings. The buyer and line caps sit at or
 * above the field sizes of the tax authority's e-invoice XML that the provider fills from them
 * (name and address 400, item name 500, codes and units 50); email follows RFC 5321 (254); a
 * Vietnamese tax code is 10 or 13 digits plus a dash (14), 20 leaves room for formatting.
 */
export const MAX_LENGTH = {
  invoice: {
    provider_account_id: 100,
    template_code: 20,
    invoice_series: 20,
    notes: 1000,
  },
  buyer: {
    name: 400,
    legal_name: 400,
    tax_code: 20,
    address: 400,
    email: 254,
    phone: 20,
    buyer_code: 50,
    national_id: 20,
  },
  line: {
    item_code: 50,
    item_name: 500,
    unit: 50,
  },
} as const;
