/**
 * `accounts`: the provider accounts SePay lists for these credentials, and one account's
 * template/series pairs, so an operator can see which account, template and series invoices can use
 * before sending any.
 */
import { type ProviderAccount } from '../../sepay/schemas.js';
import { optionalString } from './args.js';
import { type CliSepay, type Command } from './command.js';
import { accountDetailText, accountsText } from './format.js';
import { UsageError } from './usage-error.js';

/** SePay's largest page (§3): few accounts, so usually one request. */
const PER_PAGE = 100;

async function allAccounts(sepay: CliSepay): Promise<ProviderAccount[]> {
  const accounts: ProviderAccount[] = [];
  for (let page = 1; ; page++) {
    const { items, paging } = await sepay.listProviderAccounts({ page, perPage: PER_PAGE });
    accounts.push(...items);
    // An empty page that claims more would otherwise loop forever.
    if (!paging.has_more || items.length === 0) return accounts;
  }
}

const accounts: Command = {
  usage: '[--id ID]',
  summary: 'list SePay provider accounts (id, provider, active, tax authority approval); --id shows one with its template/series pairs',
  options: { id: { type: 'string' } },
  prepare(values) {
    const id = optionalString(values, 'id');
    if (id !== undefined && id.trim() === '') throw new UsageError('--id must not be empty');
    if (id === undefined) {
      return async ({ sepay }) => {
        const list = await allAccounts(sepay());
        return { json: list, text: accountsText(list) };
      };
    }
    return async ({ sepay }) => {
      const detail = await sepay().getProviderAccount(id.trim());
      return { json: detail, text: accountDetailText(detail) };
    };
  },
};

export const accountCommands = { accounts } satisfies Record<string, Command>;
