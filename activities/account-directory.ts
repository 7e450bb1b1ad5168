/**
 * Which provider account, template and series an invoice goes out under, checked against what SePay
 * says about the account before anything is created. SePay's answers are kept in the worker for a
 * bounded time and shared by concurrent invoices, so a burst of 1,000 costs one list and one detail.
 * A refusal is never made from a kept answer alone: SePay may have changed its mind since, and the
 * refusal would repeat for every invoice until the answer expired.
 */
import {
  SepayError,
  type ProviderAccount,
  type ProviderAccountDetail,
  type RequestOptions,
  type SepayClient,
} from '../sepay/index.js';
import { allocatedPair, assertDatedAfterApproval, isAccountRefusal, onlyActiveAccount, usableAccount } from './account-rules.js';
import { toApplicationFailure } from './sepay-failure.js';
import { SharedLookup } from './shared-lookup.js';

export const DEFAULT_ACCOUNT_TTL_MS = 5 * 60_000;
/** SePay's largest page (§3): the fewest calls for a merchant with many accounts. */
const ACCOUNTS_PER_PAGE = 100;
/** A guard against a server that always claims more pages; no merchant has 100,000 accounts. */
const MAX_ACCOUNT_PAGES = 1_000;
/** Details kept at most for this many account ids: invoices naming ever new ids must not grow memory without end. */
const MAX_KEPT_DETAILS = 1_000;

export interface AccountDefaults {
  providerAccountId?: string;
  templateCode?: string;
  invoiceSeries?: string;
}

export interface AccountDirectoryOptions {
  sepay: Pick<SepayClient, 'listProviderAccounts' | 'getProviderAccount'>;
  /** The worker's configuration (SEPAY_PROVIDER_ACCOUNT_ID, SEPAY_TEMPLATE_CODE, SEPAY_INVOICE_SERIES). */
  defaults?: AccountDefaults;
  /** How long SePay's answers are reused; default 5 minutes. */
  ttlMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** The fields of a SePay create body that choose the account; any may be absent. */
export interface InvoiceAccountFields {
  provider_account_id?: string;
  template_code?: string;
  invoice_series?: string;
  /** `YYYY-MM-DD HH:mm:ss`; when absent the date is not checked (callers pass today's). */
  issued_date?: string;
}

export interface ResolvedAccount {
  providerAccountId: string;
  templateCode: string;
  invoiceSeries: string;
  taxAuthorityApprovedDate: string | null;
}

/** Blank counts as absent: an empty id would address the list endpoint instead of an account. */
const given = (value: string | undefined) => (value?.trim() ? value : undefined);

export class AccountDirectory {
  readonly #sepay: AccountDirectoryOptions['sepay'];
  readonly #defaults: AccountDefaults;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #accounts: SharedLookup<ProviderAccount[]>;
  readonly #details = new Map<string, SharedLookup<ProviderAccountDetail | undefined>>();

  constructor(options: AccountDirectoryOptions) {
    this.#sepay = options.sepay;
    this.#defaults = options.defaults ?? {};
    this.#ttlMs = options.ttlMs ?? DEFAULT_ACCOUNT_TTL_MS;
    this.#now = options.now ?? Date.now;
    this.#accounts = new SharedLookup(() => this.#listAllAccounts(), this.#ttlMs, this.#now);
  }

  /**
   * The account: the invoice's, else the worker's default, else the only active one SePay lists.
   * Rejects with a non-retryable `ApplicationFailure` naming what SePay would refuse, or with the
   * typed failure of a SePay call that failed (retryable where retrying can help). A refusal the
   * kept answers lead to is decided again on answers read after them (one request each, shared by
   * concurrent invoices), unless this call has just read them itself.
   */
  async resolve(invoice: InvoiceAccountFields, options: RequestOptions = {}): Promise<ResolvedAccount> {
    const reading = new Reading(options.signal);
    try {
      return await this.#decide(invoice, reading);
    } catch (error) {
      if (!isAccountRefusal(error) || !reading.usedKept) throw error;
    }
    return this.#decide(invoice, reading.doubtingKept());
  }

  async #decide(invoice: InvoiceAccountFields, reading: Reading): Promise<ResolvedAccount> {
    const providerAccountId =
      given(invoice.provider_account_id) ??
      given(this.#defaults.providerAccountId) ??
      onlyActiveAccount(await reading.of(this.#accounts));
    const account = usableAccount(providerAccountId, await reading.of(this.#detailLookup(providerAccountId)));
    const pair = allocatedPair(
      account,
      { templateCode: given(invoice.template_code), invoiceSeries: given(invoice.invoice_series) },
      { templateCode: given(this.#defaults.templateCode), invoiceSeries: given(this.#defaults.invoiceSeries) },
    );
    assertDatedAfterApproval(given(invoice.issued_date), account);
    return {
      providerAccountId,
      templateCode: pair.template_code,
      invoiceSeries: pair.invoice_series,
      taxAuthorityApprovedDate: account.tax_authority_approved_date ?? null,
    };
  }

  /** Forgets every answer: call it when SePay refuses an account or pair this directory accepted. */
  invalidate(): void {
    this.#accounts.invalidate();
    for (const lookup of this.#details.values()) lookup.invalidate();
    this.#details.clear();
  }

  #detailLookup(id: string): SharedLookup<ProviderAccountDetail | undefined> {
    let lookup = this.#details.get(id);
    if (!lookup) {
      if (this.#details.size >= MAX_KEPT_DETAILS) this.#details.clear();
      lookup = new SharedLookup(() => this.#accountDetail(id), this.#ttlMs, this.#now);
      this.#details.set(id, lookup);
    }
    return lookup;
  }

  /** undefined for an account SePay does not know (404): kept like any answer, so a burst of them costs one call. */
  async #accountDetail(id: string): Promise<ProviderAccountDetail | undefined> {
    try {
      return await this.#sepay.getProviderAccount(id);
    } catch (error) {
      if (error instanceof SepayError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  async #listAllAccounts(): Promise<ProviderAccount[]> {
    const accounts: ProviderAccount[] = [];
    for (let page = 1; page <= MAX_ACCOUNT_PAGES; page++) {
      const { items, paging } = await this.#sepay.listProviderAccounts({ page, perPage: ACCOUNTS_PER_PAGE });
      accounts.push(...items);
      // An empty page that claims more would otherwise ask for every page up to the guard.
      if (!paging.has_more || items.length === 0) break;
    }
    return accounts;
  }
}

/**
 * The answers one `resolve` decides on. The first pass takes kept answers as they are; when they
 * lead to a refusal, the second (`doubtingKept`) replaces each kept answer with a newer one, except
 * those the first pass read itself: those are as fresh as a refusal can get.
 */
class Reading {
  readonly #signal: AbortSignal | undefined;
  readonly #doubting: boolean;
  readonly #readHere: Set<object>;
  /** Whether an answer kept from an earlier request went into the decision. */
  usedKept = false;

  constructor(signal: AbortSignal | undefined, doubting = false, readHere = new Set<object>()) {
    this.#signal = signal;
    this.#doubting = doubting;
    this.#readHere = readHere;
  }

  doubtingKept(): Reading {
    return new Reading(this.#signal, true, this.#readHere);
  }

  async of<T>(lookup: SharedLookup<T>): Promise<T> {
    try {
      let answer = await lookup.read(this.#signal);
      if (answer.kept && !this.#readHere.has(lookup)) {
        if (!this.#doubting) {
          this.usedKept = true;
          return answer.value;
        }
        answer = await lookup.reread(answer, this.#signal);
      }
      this.#readHere.add(lookup);
      return answer.value;
    } catch (error) {
      throw toApplicationFailure(error);
    }
  }
}
