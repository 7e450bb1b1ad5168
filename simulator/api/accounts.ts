/** §3, §4 provider accounts, and §13 usage (the quota lives with the account package). */
import { type Handler } from '../context.js';
import { notFound, ok, validate } from '../http.js';
import { paginate, queryOf } from '../paging.js';
import { PageQueryRules } from '../rules/lookup-requests.js';
import { type SimAccount } from '../state.js';

const PROVIDER_ACCOUNTS_PER_PAGE = 20;

/** `registration_approved` is the simulator's own switch and is not part of the API. */
function publicAccount({ id, provider, active, tax_authority_approved_date }: SimAccount) {
  return { id, provider, active, tax_authority_approved_date };
}

export const listAccounts: Handler = ({ sim, url }) => {
  const query = validate(PageQueryRules, queryOf(url));
  return ok(paginate(sim.state.accounts.map(publicAccount), query, PROVIDER_ACCOUNTS_PER_PAGE));
};

export const getAccount: Handler = ({ sim, params }) => {
  const account = sim.state.accounts.find((a) => a.id === params.id);
  if (!account) throw notFound('Không tìm thấy tài khoản nhà cung cấp hóa đơn');
  const templates = account.templates.map((t) => ({
    ...t,
    invoice_label: t.invoice_label ?? `${t.template_code} - ${t.invoice_series}`,
  }));
  return ok({ ...publicAccount(account), templates });
};

export const usage: Handler = ({ sim }) => ok({ quota_remaining: String(Math.max(0, sim.state.quota)) });
