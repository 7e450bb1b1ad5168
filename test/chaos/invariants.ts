/**
 * What every chaos-style run checks, shared by the chaos suite (dev server) and the production test
 * (the compose topology run natively): the workflow options and expected outcomes of each planned
 * kind of invoice, the SePay faults injected, and the key-level invariants read from the finished
 * runs and from SePay's side: one invoice per key, every create and issue request explained by an
 * attempt in the history, issued means SePay holds that number, cancelled means nothing issued.
 */
import type { SimInvoice, SimulatorControl } from '../../simulator/control-client.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { attemptsOf, type HistoryFacts } from './history-facts.js';
import type { PlannedInvoice } from './plan.js';

/** SePay jobs are checked every 300 ms up to 1 s: each wait takes seconds, so kills land mid-wait. */
export const chaosPolling = { pollInitialInterval: '300ms', pollMaximumInterval: '1s', pollFastPhase: '3s' } as const;

export interface InvoiceRun {
  plan: PlannedInvoice;
  result?: IssueInvoiceResult;
  failure?: unknown;
  facts?: HistoryFacts;
}

export function optionsFor({ kind }: PlannedInvoice): IssueInvoiceInput['options'] {
  return {
    ...chaosPolling,
    mode: kind === 'direct' ? 'direct' : 'draft-then-issue',
    approval: kind === 'approve' || kind === 'cancel-waiting' ? 'manual' : 'auto',
  };
}

export function expectedOutcomes({ kind }: PlannedInvoice): IssueInvoiceResult['outcome'][] {
  if (kind === 'cancel-waiting') return ['cancelled'];
  if (kind === 'cancel-race') return ['cancelled', 'issued'];
  return ['issued'];
}

/** SePay misbehaving the documented ways, on top of the process kills; `scale` multiplies how often. */
export async function injectFaults(sim: SimulatorControl, seed: number, scale = 1): Promise<void> {
  const times = (n: number) => Math.max(1, Math.round(n * scale));
  await sim.addFault({ endpoint: 'create', kind: 'error', status: 503, probability: 0.15, times: times(6), seed });
  await sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', probability: 0.2, times: times(3), seed: seed + 1 });
  await sim.addFault({ endpoint: 'issue', kind: 'drop-after-commit', probability: 0.2, times: times(2), seed: seed + 2 });
  await sim.addFault({ endpoint: 'issue', kind: 'rate-limit', retryAfterSeconds: 1, probability: 0.2, times: times(3), seed: seed + 3 });
  await sim.addFault({ endpoint: 'create-check', kind: 'error', status: 500, probability: 0.05, times: times(10), seed: seed + 4 });
  await sim.addFault({ endpoint: 'detail', kind: 'latency', latencyMs: 800, probability: 0.3, seed: seed + 5 });
}

export interface KeyInvariants {
  /** Every broken expectation, one line each, naming the key. */
  problems: string[];
  /** Invoices at SePay beyond the first of a key. */
  duplicates: number;
  /** Runs reported cancelled whose invoice SePay holds issued. */
  cancelledButIssued: number;
  /** Create requests beyond the first, over all keys (each explained by an attempt). */
  extraCreates: number;
  createRetries: number;
}

/** The key-level checks over finished runs (each with its history facts) and SePay's invoices. */
export function keyInvariants(runs: readonly InvoiceRun[], simInvoices: readonly SimInvoice[]): KeyInvariants {
  const invoicesOf = (key: string) => simInvoices.filter((invoice) => invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`));
  const problems: string[] = [];
  let duplicates = 0;
  let cancelledButIssued = 0;
  let extraCreates = 0;
  let createRetries = 0;
  for (const run of runs) {
    const { plan: planned, result, facts } = run;
    const atSepay = invoicesOf(planned.key);
    if (atSepay.length > 1) duplicates += atSepay.length - 1;
    const [sepayInvoice] = atSepay as [SimInvoice?];
    const createAttempts = attemptsOf(facts!, 'createInvoice');
    createRetries += Math.max(0, createAttempts - 1);
    if (sepayInvoice) {
      extraCreates += sepayInvoice.create_requests - 1;
      if (sepayInvoice.create_requests > createAttempts) {
        problems.push(`${planned.key}: ${sepayInvoice.create_requests} creates at SePay, only ${createAttempts} create attempts`);
      }
      // A wait that follows the invoice without a tracking code (a lost issue response) asks
      // once per attempt whether the draft is still being issued: one issue request each.
      const issueAttempts = attemptsOf(facts!, 'issueInvoice') + attemptsOf(facts!, 'awaitIssuance');
      if (sepayInvoice.issue_requests > issueAttempts) {
        problems.push(`${planned.key}: ${sepayInvoice.issue_requests} issue requests at SePay, more than its issue and wait attempts`);
      }
    }
    const expected = expectedOutcomes(planned);
    if (!result || !expected.includes(result.outcome)) {
      problems.push(`${planned.key} (${planned.kind}): expected ${expected.join(' or ')}, got ${result?.outcome ?? String(run.failure)}`);
      continue;
    }
    if (result.outcome === 'issued') {
      if (sepayInvoice?.status !== 'issued' || sepayInvoice.invoice_number !== result.invoice.invoiceNumber) {
        problems.push(`${planned.key}: reported issued as ${result.invoice.invoiceNumber}, SePay has ${JSON.stringify(sepayInvoice)}`);
      }
    } else if (sepayInvoice && sepayInvoice.status !== 'deleted') {
      if (sepayInvoice.status === 'issued') cancelledButIssued++;
      problems.push(`${planned.key}: reported cancelled, SePay's invoice is ${sepayInvoice.status}`);
    }
  }
  return { problems, duplicates, cancelledButIssued, extraCreates, createRetries };
}
