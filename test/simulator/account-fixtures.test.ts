/** Several provider accounts: the default seed has one active account, the fixtures add the rest. */
import { describe, expect, it } from 'vitest';
import { ProviderAccountDetail, ProviderAccountList, envelope } from '../../sepay/schemas.js';
import {
  APPROVED_ACCOUNT_APPROVAL_DATE,
  APPROVED_ACCOUNT_ID,
  SALES_2026_TEMPLATE,
  SALES_TEMPLATE,
  SEEDED_ACCOUNT_ID,
  approvedAccount,
  inactiveAccount,
  seededAccount,
} from '../../simulator/server.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

async function listedAccounts(query = '') {
  return envelope(ProviderAccountList).parse((await sim.api.call('GET', `/v1/provider-accounts${query}`)).body).data;
}

/** The seeded account's sales pair: same template code as the approved account's, another series. */
const SALES_TEMPLATE_PAIR = { template_code: SALES_TEMPLATE.template_code, invoice_series: SALES_TEMPLATE.invoice_series };

const onApprovedAccount = (overrides: Record<string, unknown> = {}) =>
  invoiceBody({
    provider_account_id: APPROVED_ACCOUNT_ID,
    template_code: SALES_2026_TEMPLATE.template_code,
    invoice_series: SALES_2026_TEMPLATE.invoice_series,
    items: [{ line_number: 1, line_type: 1, item_name: 'Dịch vụ', quantity: 1, unit_price: 50_000 }],
    ...overrides,
  });

describe('seeded accounts', () => {
  it('hold exactly one active account, so a client naming none can pick it', async () => {
    const active = (await listedAccounts()).items.filter((a) => a.active);
    expect(active.map((a) => a.id)).toEqual([SEEDED_ACCOUNT_ID]);
  });

  it('are what reset returns to after fixtures were installed', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    await sim.control.reset();
    expect((await listedAccounts()).items.map((a) => a.id)).toEqual([seededAccount().id, inactiveAccount().id]);
  });
});

describe('the approved account fixture', () => {
  it('shows its approval date in the list and its single sales pair in the detail', async () => {
    await sim.control.setAccounts([seededAccount(), inactiveAccount(), approvedAccount()]);
    const listed = (await listedAccounts()).items.find((a) => a.id === APPROVED_ACCOUNT_ID);
    expect(listed).toEqual({ id: APPROVED_ACCOUNT_ID, provider: 'viettel', active: true, tax_authority_approved_date: APPROVED_ACCOUNT_APPROVAL_DATE });
    const detail = envelope(ProviderAccountDetail).parse((await sim.api.call('GET', `/v1/provider-accounts/${APPROVED_ACCOUNT_ID}`)).body).data;
    expect(detail.templates).toEqual([SALES_2026_TEMPLATE]);
  });

  it('refuses a pair of another account and issuing an invoice dated before approval', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const seededPair = await sim.api.create(onApprovedAccount({ ...SALES_TEMPLATE_PAIR, reference_code: uniqueRef('pair') }));
    expectError(seededPair, 400, 'BAD_REQUEST');
    expect(seededPair.body.error.message).toMatch(/invoice_series/);

    const early = uniqueRef('early');
    await sim.api.createDraft(early, onApprovedAccount({ issued_date: '2026-04-19 23:59:59' }));
    expectError(await sim.api.issue(early), 422, 'INVOICE_DATE_BEFORE_TAX_APPROVAL');

    const sameDay = uniqueRef('same-day');
    await sim.api.createDraft(sameDay, onApprovedAccount({ issued_date: '2026-04-20 00:00:00' }));
    expect(await sim.api.issueDraft(sameDay)).toMatchObject({ status: 'Success', invoice: { status: 'issued', invoice_number: '1' } });
  });

  it('makes two active accounts when installed next to the seeded one', async () => {
    await sim.control.setAccounts([seededAccount(), approvedAccount()]);
    expect((await listedAccounts()).items.filter((a) => a.active).map((a) => a.id)).toEqual([SEEDED_ACCOUNT_ID, APPROVED_ACCOUNT_ID]);
  });
});

describe('account paging', () => {
  it('spreads 25 accounts over two pages of the default 20', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
    await sim.control.setAccounts(ids.map((id) => ({ id, active: false })));
    const first = await listedAccounts();
    const second = await listedAccounts('?page=2');
    expect(first.paging).toMatchObject({ total: 25, per_page: 20, page_count: 2, has_more: true });
    expect(second.paging).toMatchObject({ current_page: 2, has_more: false });
    expect([...first.items, ...second.items].map((a) => a.id)).toEqual(ids);
  });
});
