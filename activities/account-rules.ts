/**
 * What SePay would refuse about an invoice's account, template and date, decided from the account
 * SePay describes before anything is created: each refusal is a typed, non-retryable failure that
 * names what would be accepted instead.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type ProviderAccount, type ProviderAccountDetail, type TemplateSeries } from '../sepay/index.js';
import { FailureType } from '../workflows/failure-types.js';

/** A template code and series, either of which may be unknown yet. */
export interface PairChoice {
  templateCode?: string;
  invoiceSeries?: string;
}

/** Template "1" is the VAT invoice (API reference §4, observed convention). */
const VAT_TEMPLATE_CODE = '1';

const pairName = (t: TemplateSeries) => `${t.template_code}/${t.invoice_series}`;

function refuse(type: FailureType, message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });
}

/** The only active account, when no invoice or worker default names one. */
export function onlyActiveAccount(accounts: readonly ProviderAccount[]): string {
  const activeAccountIds = accounts.filter((a) => a.active).map((a) => a.id);
  if (activeAccountIds.length === 1) return activeAccountIds[0]!;
  const found =
    activeAccountIds.length === 0
      ? 'SePay lists no active provider account'
      : `SePay lists ${activeAccountIds.length} active provider accounts (${activeAccountIds.join(', ')})`;
  throw refuse(
    FailureType.SepayAccountNotChosen,
    `No provider account chosen: the invoice names none in provider_account_id, the worker has no default (SEPAY_PROVIDER_ACCOUNT_ID), and ${found}`,
    { activeAccountIds },
  );
}

/** The account as SePay describes it, if it exists and is active. */
export function usableAccount(id: string, account: ProviderAccountDetail | undefined): ProviderAccountDetail {
  if (!account) throw refuse(FailureType.SepayAccountUnavailable, `Provider account ${id} is unknown to SePay`, { providerAccountId: id });
  if (!account.active) {
    throw refuse(FailureType.SepayAccountUnavailable, `Provider account ${id} is not active at SePay`, { providerAccountId: id });
  }
  return account;
}

/**
 * The invoice's pair when it names either half, else the configured default, else the account's
 * first VAT template, else its first template. A half matches when exactly one allocated pair has it.
 */
export function allocatedPair(account: ProviderAccountDetail, invoice: PairChoice, defaults: PairChoice): TemplateSeries {
  const allocated = account.templates;
  const asked = invoice.templateCode || invoice.invoiceSeries ? invoice : defaults;
  const fits = allocated.filter(
    (t) =>
      (!asked.templateCode || t.template_code === asked.templateCode) &&
      (!asked.invoiceSeries || t.invoice_series === asked.invoiceSeries),
  );
  if (asked.templateCode || asked.invoiceSeries) {
    if (fits.length === 1) return fits[0]!;
  } else {
    const automatic = allocated.find((t) => t.template_code === VAT_TEMPLATE_CODE) ?? allocated[0];
    if (automatic) return automatic;
  }
  const askedName = `${asked.templateCode ?? '?'}/${asked.invoiceSeries ?? '?'}`;
  const allocatedPairs = allocated.map((t) => ({ templateCode: t.template_code, invoiceSeries: t.invoice_series }));
  const reason =
    allocated.length === 0
      ? 'SePay allocated no template to it'
      : fits.length > 1
        ? `${askedName} fits ${fits.length} of its pairs (${fits.map(pairName).join(', ')}); name both template_code and invoice_series`
        : `${askedName} is not one of its pairs (${allocated.map(pairName).join(', ')})`;
  throw refuse(FailureType.SepayTemplateNotAllocated, `Template and series for provider account ${account.id}: ${reason}`, {
    providerAccountId: account.id,
    requested: { templateCode: asked.templateCode ?? null, invoiceSeries: asked.invoiceSeries ?? null },
    allocatedPairs,
  });
}

/** Same day is allowed; only the date parts are compared (`YYYY-MM-DD HH:mm:ss` against `YYYY-MM-DD`). */
export function assertDatedAfterApproval(issuedDate: string | undefined, account: ProviderAccountDetail): void {
  const approved = account.tax_authority_approved_date?.slice(0, 10);
  const day = issuedDate?.slice(0, 10);
  if (!approved || !day || day >= approved) return;
  throw refuse(
    FailureType.InvoiceDateBeforeTaxApproval,
    `Invoice dated ${day} is before ${approved}, when the tax authority approved provider account ${account.id}`,
    { providerAccountId: account.id, issuedDate: day, taxAuthorityApprovedDate: approved },
  );
}
