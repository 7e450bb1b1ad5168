/**
 * SePay's provider accounts over a sequence's time, as the invariants read them: which account
 * lists may have been in effect during a window (a change lands somewhere between its request and
 * its answer), whether the model's invoices (template 1 / C25TAT named, no account named, no worker
 * default) can go out under a list, and whether an account and pair were listed active. Pure, so
 * the invariants built on it are unit-tested without servers.
 */
import { inactiveAccount, seededAccount } from '../../simulator/account-fixtures.js';
import type { SimAccountInput } from '../../simulator/control-client.js';
import { SALES_TEMPLATE, SEEDED_TEMPLATES, VAT_TEMPLATE } from '../../simulator/defaults.js';
import type { AccountChange } from './model.js';

/** A second account the merchant may move to, with the same pairs as the seeded one. */
export const OTHER_ACCOUNT_ID = '5b7c9d10-da40-11f0-aef4-52c7e9b4f41b';

/**
 * What the account changes set at SePay, by name: each a whole account list, as the control API
 * takes it. An account once listed stays listed (deactivated): merchants' accounts do not vanish.
 */
export const ACCOUNT_LISTS = {
  seed: () => [seededAccount(), inactiveAccount()],
  restore: () => [seededAccount(), inactiveAccount(), { ...seededAccount(), id: OTHER_ACCOUNT_ID, active: false }],
  'deactivate the account': () => [{ ...seededAccount(), active: false }, inactiveAccount()],
  'de-allocate the VAT pair': () => [{ ...seededAccount(), templates: [{ ...SALES_TEMPLATE }] }, inactiveAccount()],
  'move to another account': () => [{ ...seededAccount(), active: false }, inactiveAccount(), { ...seededAccount(), id: OTHER_ACCOUNT_ID }],
  'a second active account': () => [seededAccount(), inactiveAccount(), { ...seededAccount(), id: OTHER_ACCOUNT_ID }],
} as const satisfies Record<string, () => SimAccountInput[]>;
export type AccountListName = keyof typeof ACCOUNT_LISTS;

/** The pair every model content names (contents.ts: the example invoice's). */
export const MODEL_PAIR = { templateCode: VAT_TEMPLATE.template_code, invoiceSeries: VAT_TEMPLATE.invoice_series } as const;

const isActive = (account: SimAccountInput) => account.active !== false;
const pairsOf = (account: SimAccountInput) => account.templates ?? SEEDED_TEMPLATES;

/** Every account list that may have been SePay's at some instant of [fromMs, toMs]. */
export function accountsDuring(timeline: readonly AccountChange[], fromMs: number, toMs: number): SimAccountInput[][] {
  return timeline
    .filter((change, index) => {
      const next = timeline[index + 1];
      const from = index === 0 ? -Infinity : change.sentAt;
      const until = next ? next.answeredAt : Infinity;
      return from <= toMs && until >= fromMs;
    })
    .map((change) => change.accounts);
}

/**
 * Why SePay's accounts refuse a model invoice (the failure type the worker owes), or undefined when
 * they take it: on `accountId` once a run has chosen one, else on the only active account.
 */
export function refusalOf(accounts: readonly SimAccountInput[], accountId?: string): string | undefined {
  let account: SimAccountInput | undefined;
  if (accountId === undefined) {
    const active = accounts.filter(isActive);
    if (active.length !== 1) return `SepayAccountNotChosen: ${active.length} active accounts`;
    account = active[0]!;
  } else {
    account = accounts.find((candidate) => candidate.id === accountId);
    if (!account || !isActive(account)) return `SepayAccountUnavailable: ${accountId} ${account ? 'not active' : 'unknown'}`;
  }
  const allocated = pairsOf(account).some((pair) => pair.template_code === MODEL_PAIR.templateCode && pair.invoice_series === MODEL_PAIR.invoiceSeries);
  return allocated ? undefined : `SepayTemplateNotAllocated: ${MODEL_PAIR.templateCode}/${MODEL_PAIR.invoiceSeries} not allocated to ${account.id}`;
}

/** Whether the list shows the account active with the pair allocated to it. */
export function listsActive(accounts: readonly SimAccountInput[], accountId: string, templateCode: string, invoiceSeries: string): boolean {
  const account = accounts.find((candidate) => candidate.id === accountId);
  return account !== undefined && isActive(account) && pairsOf(account).some((pair) => pair.template_code === templateCode && pair.invoice_series === invoiceSeries);
}
