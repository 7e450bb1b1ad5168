/** One handler per SePay endpoint name. */
import { issueToken } from '../auth.js';
import { type Handler } from '../context.js';
import { type EndpointName } from '../routes.js';
import { getAccount, listAccounts, usage } from './accounts.js';
import { checkCreate, checkIssue } from './checks.js';
import { createInvoice } from './create.js';
import { download } from './download.js';
import { deleteDraft, getInvoice, listInvoices } from './invoices.js';
import { issueInvoice } from './issue.js';

export const HANDLERS: Readonly<Record<EndpointName, Handler>> = {
  token: issueToken,
  'provider-accounts': listAccounts,
  'provider-account': getAccount,
  create: createInvoice,
  'create-check': checkCreate,
  issue: issueInvoice,
  'issue-check': checkIssue,
  delete: deleteDraft,
  detail: getInvoice,
  list: listInvoices,
  download,
  usage,
};
