/**
 * Every client method against the real simulator over HTTP: the happy paths, the documented error
 * codes, and the simulator's faults, each seen through the client's error taxonomy.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SepayClient } from '../../sepay/client.js';
import { type CreateInvoiceRequest, type JobCheck } from '../../sepay/schemas.js';
import { TokenProvider } from '../../sepay/token-provider.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import {
  DEFAULT_QUOTA,
  SEEDED_ACCOUNT_ID,
  VAT_TEMPLATE,
  startSimulator,
  type RunningSimulator,
} from '../../simulator/server.js';
import { CREDENTIALS, failure } from './helpers.js';

let sim: RunningSimulator;
let control: SimulatorControl;
let tokens: TokenProvider;
let client: SepayClient;
let nextReference = 0;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', ...CREDENTIALS });
  control = new SimulatorControl(sim.baseUrl);
  tokens = new TokenProvider({ environment: { baseUrl: sim.baseUrl }, ...CREDENTIALS });
  client = new SepayClient({ environment: { baseUrl: sim.baseUrl }, tokenProvider: tokens });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await control.reset();
});

function invoice(overrides: Partial<CreateInvoiceRequest> = {}): CreateInvoiceRequest {
  return {
    template_code: VAT_TEMPLATE.template_code,
    invoice_series: VAT_TEMPLATE.invoice_series,
    issued_date: '2026-05-04 09:00:00',
    currency: 'VND',
    provider_account_id: SEEDED_ACCOUNT_ID,
    reference_code: `vs-sim-${++nextReference}`,
    is_draft: true,
    buyer: { type: 'company', name: 'Công ty ABC', tax_code: '0101234567' },
    items: [{ line_number: 1, line_type: 1, item_name: 'Dịch vụ', quantity: 2, unit_price: 100_000, tax_rate: 10 }],
    ...overrides,
  };
}

async function settled(check: () => Promise<JobCheck>): Promise<JobCheck> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = await check();
    if (result.status !== 'Pending') return result;
  }
  throw new Error('job still Pending after 10 checks');
}

/** A settled draft, as `createInvoice` + `checkCreate` leave it. */
async function draft(overrides: Partial<CreateInvoiceRequest> = {}): Promise<string> {
  const { tracking_code } = await client.createInvoice(invoice(overrides));
  const check = await settled(() => client.checkCreate(tracking_code));
  expect(check.status).toBe('Success');
  return check.reference_code;
}

describe('every endpoint', () => {
  it('reads the provider accounts and the quota', async () => {
    const accounts = await client.listProviderAccounts({ page: 1, perPage: 20 });
    expect(accounts.items.map((a) => a.id)).toContain(SEEDED_ACCOUNT_ID);

    const account = await client.getProviderAccount(SEEDED_ACCOUNT_ID);
    expect(account.templates).toContainEqual(expect.objectContaining({ template_code: '1', invoice_series: 'C25TAT' }));

    await expect(client.getUsage()).resolves.toBe(DEFAULT_QUOTA);
  });

  it('creates a draft, issues it, reads and downloads it', async () => {
    const body = invoice();
    const created = await client.createInvoice(body);
    await expect(client.checkCreate(created.tracking_code)).resolves.toMatchObject({ status: 'Pending' });
    const draftCheck = await settled(() => client.checkCreate(created.tracking_code));
    expect(draftCheck).toMatchObject({ status: 'Success', invoice: { status: 'draft', invoice_number: '0' } });

    const issued = await client.issueInvoice(draftCheck.reference_code);
    const issueCheck = await settled(() => client.checkIssue(issued.tracking_code));
    expect(issueCheck).toMatchObject({ status: 'Success', invoice: { status: 'issued' } });
    expect(issueCheck.invoice?.invoice_number).not.toBe('0');

    const detail = await client.getInvoice(body.reference_code ?? '');
    expect(detail).toMatchObject({ status: 'issued', total_before_tax: 200_000, tax_amount: 20_000, total_amount: 220_000 });
    expect(detail.items[0]).toMatchObject({ quantity: 2, unit_price: 100_000 });

    const pdf = await client.downloadInvoice(detail.reference_code, 'pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const xml = await client.downloadInvoice(detail.reference_code, 'xml');
    expect(xml.bytes.toString('utf8')).toContain('<');

    await expect(client.getUsage()).resolves.toBe(DEFAULT_QUOTA - 1);
  });

  it('deletes a draft, which then is gone', async () => {
    const referenceCode = await draft();
    await expect(client.deleteDraft(referenceCode)).resolves.toMatchObject({ reference_code: referenceCode });
    expect(await failure(client.getInvoice(referenceCode))).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('lists and iterates invoices page by page', async () => {
    const references = [await draft(), await draft(), await draft()];
    const page = await client.listInvoices({ page: 1, perPage: 2, source: 'api' });
    expect(page.paging).toMatchObject({ per_page: 2, total: 3, has_more: true });

    const all: string[] = [];
    for await (const item of client.iterateInvoices({ perPage: 2, source: 'api' })) all.push(item.reference_code);
    expect(all.sort()).toEqual(references.sort());
  });
});

describe('documented errors', () => {
  it('409 EINVOICE_DOCUMENT_EXISTED for a reference code already used', async () => {
    const body = invoice();
    await client.createInvoice(body);
    const error = await failure(client.createInvoice(body));
    expect(error).toMatchObject({ kind: 'conflict', status: 409, code: 'EINVOICE_DOCUMENT_EXISTED', retryable: false });
  });

  it('403 QUOTA_EXCEEDED when issuing directly with no quota left', async () => {
    await control.setQuota(0);
    const error = await failure(client.createInvoice(invoice({ is_draft: false })));
    expect(error).toMatchObject({ kind: 'quota', status: 403, code: 'QUOTA_EXCEEDED', retryable: false });
  });

  it('422 REGISTRATION_NOT_TAX_APPROVED and INVOICE_DATE_BEFORE_TAX_APPROVAL on issue', async () => {
    const referenceCode = await draft();
    await control.setAccounts([{ id: SEEDED_ACCOUNT_ID, registration_approved: false }]);
    expect(await failure(client.issueInvoice(referenceCode))).toMatchObject({
      kind: 'unprocessable',
      status: 422,
      code: 'REGISTRATION_NOT_TAX_APPROVED',
    });

    await control.setAccounts([{ id: SEEDED_ACCOUNT_ID, tax_authority_approved_date: '2026-06-01' }]);
    expect(await failure(client.issueInvoice(referenceCode))).toMatchObject({
      kind: 'unprocessable',
      status: 422,
      code: 'INVOICE_DATE_BEFORE_TAX_APPROVAL',
    });
  });

  it('400 BAD_REQUEST for a series the account does not have, and for deleting an issued invoice', async () => {
    const badSeries = await failure(client.createInvoice(invoice({ invoice_series: 'C99XXX' })));
    expect(badSeries).toMatchObject({ kind: 'bad-request', status: 400, code: 'BAD_REQUEST' });

    await control.addManualInvoice(invoice({ reference_code: 'issued-by-hand' }), 'issued');
    expect(await failure(client.deleteDraft('issued-by-hand'))).toMatchObject({ kind: 'bad-request', status: 400 });
  });

  it('404 NOT_FOUND for unknown ids and codes', async () => {
    for (const call of [
      () => client.getProviderAccount('no-such-account'),
      () => client.checkCreate('no-such-job'),
      () => client.checkIssue('no-such-job'),
      () => client.issueInvoice('no-such-invoice'),
      () => client.downloadInvoice('no-such-invoice', 'pdf'),
    ]) {
      expect(await failure(call())).toMatchObject({ kind: 'not-found', status: 404, code: 'NOT_FOUND' });
    }
  });

  it('401 UNAUTHORIZED for wrong credentials, from the token endpoint', async () => {
    const stranger = new SepayClient({ environment: { baseUrl: sim.baseUrl }, clientId: 'x', clientSecret: 'wrong' });
    const error = await failure(stranger.getUsage());
    expect(error).toMatchObject({ kind: 'auth', status: 401, code: 'UNAUTHORIZED', endpoint: 'POST /v1/token' });
  });

  it('an expired token costs one re-authentication, not a failure', async () => {
    await client.getUsage();
    await control.expireTokens();
    await control.resetStats();

    await expect(client.getUsage()).resolves.toBe(DEFAULT_QUOTA);
    const stats = await control.stats();
    expect(stats.endpoints.token).toBe(1);
    expect(stats.endpointStatuses.usage).toEqual({ '200': 1, '401': 1 });
  });
});

describe('faults', () => {
  it('rate limit → rate-limited, with Retry-After', async () => {
    await control.addFault({ endpoint: 'usage', kind: 'rate-limit', retryAfterSeconds: 3, times: 1 });
    const error = await failure(client.getUsage());
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryable: true, retryAfterMs: 3_000 });
  });

  it('server error → unavailable', async () => {
    await control.addFault({ endpoint: 'detail', kind: 'error', status: 503, times: 1 });
    const error = await failure(client.getInvoice('anything'));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, retryable: true });
  });

  it('latency beyond the timeout → timeout', async () => {
    await control.addFault({ endpoint: 'usage', kind: 'latency', latencyMs: 1_000, times: 1 });
    const impatient = new SepayClient({ environment: { baseUrl: sim.baseUrl }, tokenProvider: tokens, timeoutMs: 200 });
    expect(await failure(impatient.getUsage())).toMatchObject({ kind: 'timeout', status: undefined, retryable: true });
  });

  it('a dropped create answer → network error, yet the invoice was committed', async () => {
    await control.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1 });
    const body = invoice();
    expect(await failure(client.createInvoice(body))).toMatchObject({ kind: 'network', status: undefined, retryable: true });
    expect(await failure(client.createInvoice(body))).toMatchObject({ kind: 'conflict', code: 'EINVOICE_DOCUMENT_EXISTED' });
  });

  it('a failing job → check answers Failed with the message', async () => {
    await control.addFault({ endpoint: 'create', kind: 'job-fail', message: 'Sai thông tin người mua', times: 1 });
    const { tracking_code } = await client.createInvoice(invoice());
    await expect(settled(() => client.checkCreate(tracking_code))).resolves.toMatchObject({
      status: 'Failed',
      message: 'Sai thông tin người mua',
    });
  });
});
