/**
 * Test harness for the simulator: one simulator per test file on a free port, plain `fetch`
 * (the typed client is not used here, so simulator tests stand on their own), and helpers that
 * walk an invoice through its jobs.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ErrorEnvelope } from '../../sepay/schemas.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  SEEDED_ACCOUNT_ID,
  VAT_TEMPLATE,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../simulator/server.js';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body sent as is (no JSON encoding). */
  raw?: string;
  headers?: Record<string, string>;
  /** false: no Authorization header. */
  token?: string | false;
}

export class SimApi {
  private token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === false ? undefined : (options.token ?? (await this.accessToken()));
    if (token) headers.authorization ??= `Bearer ${token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
    const reply = await this.call('POST', '/v1/token', { token: false, headers: { authorization: `Basic ${basic}` } });
    expect(reply.status).toBe(200);
    this.token = reply.body.data.access_token as string;
    return this.token;
  }

  forgetToken(): void {
    this.token = undefined;
  }

  create(invoice: Record<string, unknown>): Promise<Reply> {
    return this.call('POST', '/v1/invoices/create', { body: invoice });
  }

  issue(referenceCode: string): Promise<Reply> {
    return this.call('POST', '/v1/invoices/issue', { body: { reference_code: referenceCode } });
  }

  check(kind: 'create' | 'issue', trackingCode: string): Promise<Reply> {
    return this.call('GET', `/v1/invoices/${kind}/check/${trackingCode}`);
  }

  detail(referenceCode: string): Promise<Reply> {
    return this.call('GET', `/v1/invoices/${encodeURIComponent(referenceCode)}`);
  }

  /** Accepts a job and checks it until it leaves Pending; returns the last check's data. */
  async settle(kind: 'create' | 'issue', accepted: Reply, maxChecks = 10): Promise<Reply['body']> {
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    for (let i = 0; i < maxChecks; i++) {
      const reply = await this.check(kind, accepted.body.data.tracking_code as string);
      expect(reply.status).toBe(200);
      if (reply.body.data.status !== 'Pending') return reply.body.data;
    }
    throw new Error(`${kind} job still Pending after ${maxChecks} checks`);
  }

  async createDraft(referenceCode: string, overrides: Record<string, unknown> = {}) {
    return this.settle('create', await this.create(invoiceBody({ reference_code: referenceCode, ...overrides })));
  }

  async issueDraft(referenceCode: string) {
    return this.settle('issue', await this.issue(referenceCode));
  }
}

let counter = 0;
/** A reference code no other test in this process used. */
export function uniqueRef(label = 'ref'): string {
  return `${label}-${process.pid}-${++counter}`;
}

/** The VAT invoice of the docs: 2 × 100 000 at 10 % → 200 000 + 20 000 = 220 000. */
export function invoiceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    template_code: VAT_TEMPLATE.template_code,
    invoice_series: VAT_TEMPLATE.invoice_series,
    issued_date: '2025-12-15 08:00:00',
    currency: 'VND',
    provider_account_id: SEEDED_ACCOUNT_ID,
    payment_method: 'CK',
    is_draft: true,
    buyer: { type: 'company', name: 'Công ty ABC', tax_code: '0101234567', email: 'buyer@example.com' },
    items: [
      { line_number: 1, line_type: 1, item_code: 'SP001', item_name: 'Sản phẩm A', unit: 'cái', quantity: 2, unit_price: 100000, tax_rate: 10 },
    ],
    notes: 'Ghi chú hóa đơn',
    ...overrides,
  };
}

export function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const envelope = ErrorEnvelope.parse(reply.body);
  if (code) expect(envelope.error.code).toBe(code);
}

export interface SimFixture {
  simulator: RunningSimulator;
  api: SimApi;
  control: SimulatorControl;
}

/**
 * Starts a simulator for the file (port 0, closed in afterAll even when tests fail) and resets it
 * before each test. Read the fields inside tests, after beforeAll has run.
 */
export function useSimulator(options: SimulatorOptions = {}): SimFixture {
  const fixture = {} as SimFixture;
  beforeAll(async () => {
    fixture.simulator = await startSimulator({ port: 0, jobSettleMs: null, ...options });
    fixture.api = new SimApi(fixture.simulator.baseUrl);
    fixture.control = new SimulatorControl(fixture.simulator.baseUrl);
  });
  afterAll(async () => {
    await fixture.simulator?.close();
  });
  beforeEach(async () => {
    await fixture.control.reset();
  });
  return fixture;
}
