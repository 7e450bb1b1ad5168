/**
 * The `/__sim/` control API (no auth): reset, accounts, quota and top-up, job speed, faults, token
 * expiry, bulk invoices, inspection, and the unauthenticated file links used as pdf_url/xml_url.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountForCreate } from './accounts.js';
import { DUPLICATE_MESSAGE } from './api/create.js';
import { expireAllTokens } from './auth.js';
import { addBulkInvoices } from './bulk-invoices.js';
import { type Sim } from './context.js';
import { FaultRuleInput } from './faults.js';
import { invoiceFile } from './files.js';
import { ApiError, notFound, parseJson, validate, type ApiResponse } from './http.js';
import { markIssued, newInvoice, visibleInvoice } from './invoices.js';
import { releaseHeldJobs, settleDueJobs } from './jobs.js';
import { ModesPatch } from './modes.js';
import { CreateRequestShape } from './rules/create-request.js';
import { seedState, SimAccount, type InvoiceRecord } from './state.js';
import { invoiceTotals } from './totals.js';

const QuotaBody = z.object({ quota: z.int().nonnegative() });
const TopUpBody = z.object({ amount: z.int().positive() });
const JobsBody = z.object({
  checksUntilDone: z.int().nonnegative().optional(),
  settleMs: z.int().nonnegative().nullable().optional(),
});
/** `{ accounts: [...] }`, or the bare array. */
const AccountsBody = z.preprocess(
  (body) => (Array.isArray(body) ? { accounts: body } : body),
  z.object({ accounts: z.array(SimAccount) }),
);
const ManualInvoiceBody = z.object({
  invoice: CreateRequestShape.partial({ is_draft: true }),
  status: z.enum(['draft', 'issued']).default('issued'),
});

/** The control view of an invoice, including states the API hides (pending, failed, deleted). */
export type SimInvoice = ReturnType<typeof inspect>;

function inspect(invoice: InvoiceRecord) {
  return {
    reference_code: invoice.reference_code,
    status: invoice.status,
    invoice_number: invoice.invoice_number,
    create_requests: invoice.create_requests,
    issue_requests: invoice.issue_requests,
    is_draft_requested: invoice.request.is_draft,
    issue_pending: invoice.pending_issue !== null,
    provider_account_id: invoice.request.provider_account_id,
    template_code: invoice.request.template_code,
    series: invoice.request.invoice_series,
    total_amount: invoiceTotals(invoice.request).total_amount,
    source: invoice.source,
    tracking_codes: invoice.tracking_codes,
    /** When the create was accepted (the simulator's clock, ms since the epoch). */
    created_at: invoice.created_at,
  };
}

/** Web-UI invoices (`source: manual`) exist at once; the API never creates them. */
function addManualInvoice(sim: Sim, body: unknown) {
  const { invoice: input, status } = validate(ManualInvoiceBody, body);
  const request = { ...input, is_draft: status === 'draft', reference_code: input.reference_code ?? randomUUID() };
  accountForCreate(sim.state, request);
  if (sim.state.invoices.has(request.reference_code)) throw new ApiError(409, 'EINVOICE_DOCUMENT_EXISTED', DUPLICATE_MESSAGE);
  const invoice = newInvoice(sim.state, request, 'manual', sim.now());
  if (status === 'issued') markIssued(sim.state, invoice);
  else invoice.status = 'draft';
  return inspect(invoice);
}

function file(sim: Sim, encodedName: string): ApiResponse {
  let name = '';
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    // an undecodable name is just a file that does not exist
  }
  const match = /^(.+)\.(pdf|xml)$/.exec(name);
  const invoice = match ? visibleInvoice(sim.state, match[1]!) : undefined;
  if (!match || !invoice) throw notFound('Không tìm thấy tệp hóa đơn');
  const type = match[2] as 'pdf' | 'xml';
  const { name: fileName, content } = invoiceFile(invoice, type);
  return {
    status: 200,
    body: content,
    headers: {
      'content-type': type === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8',
      'content-disposition': `inline; filename="${fileName}"`,
    },
  };
}

type ControlAction = (sim: Sim, body: unknown) => unknown;

const ACTIONS: Readonly<Record<string, Partial<Record<string, ControlAction>>>> = {
  '/__sim/reset': {
    POST: (sim) => {
      sim.state = seedState(sim.config.seed, sim.state.tokens);
      sim.faults.clear();
      sim.stats.reset();
      return { reset: true };
    },
  },
  '/__sim/accounts': {
    GET: (sim) => ({ accounts: sim.state.accounts }),
    PUT: (sim, body) => ({ accounts: (sim.state.accounts = validate(AccountsBody, body).accounts) }),
  },
  '/__sim/quota': {
    GET: (sim) => ({ quota: sim.state.quota }),
    PUT: (sim, body) => ({ quota: (sim.state.quota = validate(QuotaBody, body).quota) }),
  },
  /** What a merchant's plan upgrade does: adds to what is left (a quota overdrawn by manual invoices counts as 0). */
  '/__sim/quota/top-up': {
    POST: (sim, body) => ({ quota: (sim.state.quota = Math.max(0, sim.state.quota) + validate(TopUpBody, body).amount) }),
  },
  '/__sim/jobs': {
    GET: (sim) => ({
      checksUntilDone: sim.state.jobChecksUntilDone,
      settleMs: sim.state.jobSettleMs,
      jobs: [...sim.state.jobs.values()],
    }),
    PUT: (sim, body) => {
      const { checksUntilDone, settleMs } = validate(JobsBody, body);
      if (checksUntilDone !== undefined) sim.state.jobChecksUntilDone = checksUntilDone;
      if (settleMs !== undefined) sim.state.jobSettleMs = settleMs;
      return { checksUntilDone: sim.state.jobChecksUntilDone, settleMs: sim.state.jobSettleMs };
    },
  },
  '/__sim/modes': {
    GET: (sim) => sim.state.modes,
    PUT: (sim, body) => Object.assign(sim.state.modes, validate(ModesPatch, body)),
  },
  '/__sim/faults': {
    GET: (sim) => ({ faults: sim.faults.list() }),
    POST: (sim, body) => sim.faults.add(validate(FaultRuleInput, body)),
    DELETE: (sim) => {
      sim.faults.clear();
      releaseHeldJobs(sim);
      return { cleared: true };
    },
  },
  '/__sim/tokens/expire': { POST: (sim) => ({ expired: expireAllTokens(sim) }) },
  '/__sim/invoices': {
    // The state keeps invoices in creation order (see SimState.invoices).
    GET: (sim) => ({ invoices: Array.from(sim.state.invoices.values(), inspect) }),
    POST: addManualInvoice,
  },
  '/__sim/invoices/bulk': { POST: addBulkInvoices },
  '/__sim/stats': {
    GET: (sim) => sim.stats.snapshot(),
    DELETE: (sim) => {
      sim.stats.reset();
      return { reset: true };
    },
  },
};

export function serveControl(sim: Sim, method: string, path: string, body: Buffer): ApiResponse {
  settleDueJobs(sim);
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (normalized.startsWith('/__sim/files/') && method === 'GET') {
    return file(sim, normalized.slice('/__sim/files/'.length));
  }
  const actions = Object.hasOwn(ACTIONS, normalized) ? ACTIONS[normalized] : undefined;
  if (!actions) throw notFound(`Không có lệnh điều khiển ${normalized.slice(0, 200)}`);
  const action = Object.hasOwn(actions, method) ? actions[method] : undefined;
  if (!action) {
    const allow = Object.keys(actions).join(', ');
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `Dùng ${allow}`, { allow });
  }
  return { status: 200, body: action(sim, body.length > 0 ? parseJson(body) : {}) };
}
