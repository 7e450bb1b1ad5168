/**
 * Provider accounts as ready-made fixtures. The default seed keeps exactly one active account, so
 * "the only active account" resolves without configuration; tests that need more accounts (an
 * approval date, other templates, two active ones) install these with `SimulatorControl.setAccounts`.
 */
import { INACTIVE_ACCOUNT_ID, SEEDED_ACCOUNT_ID, SEEDED_TEMPLATES, type TemplateSeries } from './defaults.js';
import { type SimAccountInput } from './state.js';

/** A third account, active since its tax-authority approval date. */
export const APPROVED_ACCOUNT_ID = '9e2f7a40-da40-11f0-aef4-52c7e9b4f41b';
export const APPROVED_ACCOUNT_APPROVAL_DATE = '2026-04-20';

/** The approved account's only pair: a sales invoice of the 2026 series. */
export const SALES_2026_TEMPLATE = {
  template_code: '2',
  invoice_series: 'C26TSE',
  invoice_label: '2 - C26TSE - Hóa đơn bán hàng',
} as const satisfies TemplateSeries;

const copyOf = (templates: readonly TemplateSeries[]) => templates.map((t) => ({ ...t }));

/** The active sandbox account of the default seed. */
export function seededAccount(): SimAccountInput {
  return { id: SEEDED_ACCOUNT_ID, provider: 'matbao', active: true, tax_authority_approved_date: null, templates: copyOf(SEEDED_TEMPLATES) };
}

/** The inactive account of the default seed: creating invoices on it is refused. */
export function inactiveAccount(): SimAccountInput {
  return { id: INACTIVE_ACCOUNT_ID, provider: 'matbao', active: false, tax_authority_approved_date: null, templates: copyOf(SEEDED_TEMPLATES) };
}

/** Active, approved on 2026-04-20 (invoices dated earlier are refused at issuance), one sales pair. */
export function approvedAccount(): SimAccountInput {
  return {
    id: APPROVED_ACCOUNT_ID,
    provider: 'viettel',
    active: true,
    tax_authority_approved_date: APPROVED_ACCOUNT_APPROVAL_DATE,
    templates: [{ ...SALES_2026_TEMPLATE }],
  };
}
