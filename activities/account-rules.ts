/**
 * What SePay would refuse about an invoice's account, template and date, decided from the account
 * SePay describes before anything is created: each refusal is a typed, non-retryable failure that
 * names what would be accepted instead.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type ProviderAccount, type ProviderAccountDetail, type TemplateSeries } from '../sepay/index.js';
import { FailureType } from '../contract/failure-types.js';
import { VAT_TEMPLATE_CODE } from '../contract/invoice-rules.js';

/** A template code and series, either of which may be unknown yet. */
export interface PairChoice {
  templateCode?: string;
  invoiceSeries?: string;
}

const pairName = (t: TemplateSeries) => `${t.template_code}/${t.invoice_series}`;

/** What these rules refuse with: each is about SePay's account as read, so a newer read may lift it. */
const ACCOUNT_REFUSALS: ReadonlySet<string> = new Set<FailureType>([
  FailureType.SepayAccountNotChosen,
  FailureType.SepayAccountUnavailable,
  FailureType.SepayTemplateNotAllocated,
  FailureType.InvoiceDateBeforeTaxApproval,
]);

/** A refusal of these rules, as opposed to a SePay call that failed. */
export function isAccountRefusal(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && ACCOUNT_REFUSALS.has(error.type ?? '');
}

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
 * first VAT template. A named half matches when exactly one allocated pair has it.
 */
export function allocatedPair(account: ProviderAccountDetail, invoice: PairChoice, defaults: PairChoice): TemplateSeries {
  const allocated = account.templates;
  const named = [invoice, defaults].find((choice) => choice.templateCode || choice.invoiceSeries);
  // Nothing named means a VAT invoice: another kind of template that happens to be allocated would
  // issue a different legal document than the caller asked for.
  const asked = named ?? { templateCode: VAT_TEMPLATE_CODE };
  const fits = allocated.filter(
    (t) =>
      (!asked.templateCode || t.template_code === asked.templateCode) &&
      (!asked.invoiceSeries || t.invoice_series === asked.invoiceSeries),
  );
  if (named ? fits.length === 1 : fits.length > 0) return fits[0]!;
  const askedName = `${asked.templateCode ?? '?'}/${asked.invoiceSeries ?? '?'}`;
  const allocatedPairs = allocated.map((t) => ({ templateCode: t.template_code, invoiceSeries: t.invoice_series }));
  const reason =
    allocated.length === 0
      ? 'SePay allocated no template to it'
      : !named
        ? `it has no VAT template (template_code "${VAT_TEMPLATE_CODE}"), the one taken when none is named, only ${allocated.map(pairName).join(', ')}; name template_code and invoice_series (or configure SEPAY_TEMPLATE_CODE and SEPAY_INVOICE_SERIES)`
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
