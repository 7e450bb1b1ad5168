/**
 * Typed client for the simulator's `/__sim/` control API, for tests, benchmarks and the demo.
 * Only type imports from the server side: importing this file starts nothing.
 */
import { type BulkInvoicesInput, type BulkInvoicesResult } from './bulk-invoices.js';
import { type SimInvoice } from './control.js';
import { type FaultRule, type FaultRuleInput } from './faults.js';
import { type ModesPatch, type SimModes } from './modes.js';
import { type SimCreateRequest } from './rules/create-request.js';
import { type JobRecord, type SimAccount, type SimAccountInput } from './state.js';
import { type SimStats } from './stats.js';

export type { BulkInvoicesInput, BulkInvoicesResult, FaultRule, FaultRuleInput, JobRecord, ModesPatch, SimModes, SimAccount, SimAccountInput, SimInvoice, SimStats };

export interface JobSettings {
  checksUntilDone: number;
  settleMs: number | null;
}

export class SimulatorControl {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // Every state-changing control request must be declared JSON (see control-guard.ts), also
    // those without a body; fetch sends the Host of baseUrl, which is loopback in every setup.
    const response = await this.fetchImpl(new URL(path, this.baseUrl), {
      method,
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator control ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Back to the seeded accounts, quota and job speed; invoices, faults and stats cleared. Tokens stay valid. */
  async reset(): Promise<void> {
    await this.call('POST', '/__sim/reset');
  }

  async quota(): Promise<number> {
    return (await this.call<{ quota: number }>('GET', '/__sim/quota')).quota;
  }

  async setQuota(quota: number): Promise<void> {
    await this.call('PUT', '/__sim/quota', { quota });
  }

  /** Adds `amount` issuances, as a plan upgrade does; answers the new quota. */
  async topUpQuota(amount: number): Promise<number> {
    return (await this.call<{ quota: number }>('POST', '/__sim/quota/top-up', { amount })).quota;
  }

  /**
   * `checksUntilDone` applies to jobs accepted from now on; `settleMs` (idle time after which a job
   * settles on its own, null = never) to all pending jobs.
   */
  async setJobChecks(checksUntilDone: number, settleMs?: number | null): Promise<JobSettings> {
    return this.call('PUT', '/__sim/jobs', { checksUntilDone, ...(settleMs !== undefined && { settleMs }) });
  }

  async jobs(): Promise<JobSettings & { jobs: JobRecord[] }> {
    return this.call('GET', '/__sim/jobs');
  }

  /** Behaviours SePay allows but does not promise (README "Modes"); `reset()` turns them back to the start options. */
  async modes(): Promise<SimModes> {
    return this.call('GET', '/__sim/modes');
  }

  /** Changes only the modes named; answers all of them. */
  async setModes(patch: ModesPatch): Promise<SimModes> {
    return this.call('PUT', '/__sim/modes', patch);
  }

  async setAccounts(accounts: SimAccountInput[]): Promise<SimAccount[]> {
    return (await this.call<{ accounts: SimAccount[] }>('PUT', '/__sim/accounts', { accounts })).accounts;
  }

  async addFault(rule: FaultRuleInput): Promise<FaultRule> {
    return this.call('POST', '/__sim/faults', rule);
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.call<{ faults: FaultRule[] }>('GET', '/__sim/faults')).faults;
  }

  /** Also releases jobs held by `job-pending-forever`. */
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/__sim/faults');
  }

  /** Every token issued so far answers 401 from now on. Returns how many there were. */
  async expireTokens(): Promise<number> {
    return (await this.call<{ expired: number }>('POST', '/__sim/tokens/expire')).expired;
  }

  /** All invoices ever created, oldest first, including pending, failed and deleted ones. */
  async invoices(): Promise<{ invoices: SimInvoice[] }> {
    return this.call('GET', '/__sim/invoices');
  }

  /** An invoice made in SePay's web UI (`source: "manual"`), visible at once. */
  async addManualInvoice(
    invoice: Omit<SimCreateRequest, 'is_draft'>,
    status: 'draft' | 'issued' = 'issued',
  ): Promise<SimInvoice> {
    return this.call('POST', '/__sim/invoices', { invoice, status });
  }

  /** `count` invoices visible at once (issued ones numbered but not charged to the quota); all or nothing. */
  async addBulkInvoices(bulk: BulkInvoicesInput): Promise<BulkInvoicesResult> {
    return this.call('POST', '/__sim/invoices/bulk', bulk);
  }

  async stats(): Promise<SimStats> {
    return this.call('GET', '/__sim/stats');
  }

  async resetStats(): Promise<void> {
    await this.call('DELETE', '/__sim/stats');
  }
}
