/**
 * The asynchronous create/issue jobs (§5-§8). A job answers `Pending` to its first
 * `checks_until_done` checks and settles at the next one; a job nobody has checked for
 * `jobSettleMs` settles on its own. Settling is where quota is spent and numbers are assigned, so
 * those happen "at the moment of Success", and where job faults decide Failed or Pending-forever.
 */
import { randomUUID } from 'node:crypto';
import { type Sim } from './context.js';
import { markIssued } from './invoices.js';
import { type InvoiceRecord, type JobKind, type JobRecord } from './state.js';

const MESSAGES = {
  accepted: 'Đã tạo yêu cầu xuất bán hóa đơn điện tử',
  pending: 'Yêu cầu đang được xử lý, vui lòng kiểm tra lại sau',
  create: 'Xuất hóa đơn điện tử thành công',
  issue: 'Xuất bán hóa đơn điện tử thành công',
  quota: 'Xuất hóa đơn thất bại: đã hết hạn ngạch hóa đơn (QUOTA_EXCEEDED), vui lòng nâng cấp gói dịch vụ',
  gone: 'Xuất hóa đơn thất bại: không tìm thấy hóa đơn',
};

export function acceptJob(sim: Sim, kind: JobKind, invoice: InvoiceRecord): JobRecord {
  const job: JobRecord = {
    // Never the reference code (§23 #4): clients must not confuse the two.
    tracking_code: randomUUID(),
    kind,
    reference_code: invoice.reference_code,
    accepted_at: sim.now(),
    last_checked_at: sim.now(),
    checks: 0,
    checks_until_done: sim.state.jobChecksUntilDone,
    held: false,
    unknown_checks_left: sim.state.modes.trackingNotFoundChecks,
    status: 'Pending',
    message: MESSAGES.pending,
  };
  sim.state.jobs.set(job.tracking_code, job);
  sim.state.pendingJobs.add(job.tracking_code);
  invoice.tracking_codes.push(job.tracking_code);
  if (kind === 'issue') invoice.pending_issue = job.tracking_code;
  return job;
}

export function acceptedBody(job: JobRecord, origin: string) {
  return {
    tracking_code: job.tracking_code,
    tracking_url: `${origin}/v1/invoices/${job.kind}/check/${job.tracking_code}`,
    message: MESSAGES.accepted,
  };
}

export function checkJob(sim: Sim, job: JobRecord): void {
  job.checks++;
  job.last_checked_at = sim.now();
  if (job.status === 'Pending' && job.checks > job.checks_until_done) settle(sim, job);
}

/**
 * Background progress for jobs nobody polls (a lost response, a crashed worker). Only idle jobs:
 * a job that is being checked settles by its check count, so tests that count checks stay exact.
 */
export function settleDueJobs(sim: Sim): void {
  const { jobSettleMs } = sim.state;
  if (jobSettleMs === null) return;
  const now = sim.now();
  for (const code of sim.state.pendingJobs) {
    const job = sim.state.jobs.get(code);
    if (job && now - job.last_checked_at >= jobSettleMs) settle(sim, job);
  }
}

/** Clearing faults ends the outage: held jobs settle at their next check. */
export function releaseHeldJobs(sim: Sim): void {
  for (const code of sim.state.pendingJobs) {
    const job = sim.state.jobs.get(code);
    if (job) job.held = false;
  }
}

function settle(sim: Sim, job: JobRecord): void {
  if (job.held) return;
  const invoice = sim.state.invoices.get(job.reference_code);
  if (!invoice) return finish(sim, job, 'Failed', MESSAGES.gone);
  const fault = sim.faults.forJob(job.kind, job.reference_code);
  if (fault?.kind === 'hold') {
    job.held = true;
    return;
  }
  if (fault?.kind === 'fail') return fail(sim, job, invoice, fault.message);
  const official = job.kind === 'issue' || !invoice.request.is_draft;
  if (official && sim.state.quota <= 0) return fail(sim, job, invoice, MESSAGES.quota);
  if (official) markIssued(sim.state, invoice);
  else invoice.status = 'draft';
  if (job.kind === 'issue') invoice.pending_issue = null;
  finish(sim, job, 'Success', MESSAGES[job.kind]);
}

/** A failed create leaves the reference code taken (§23 #6); a failed issue leaves the draft. */
function fail(sim: Sim, job: JobRecord, invoice: InvoiceRecord, message: string): void {
  if (job.kind === 'create') invoice.status = 'failed';
  else invoice.pending_issue = null;
  finish(sim, job, 'Failed', message);
}

function finish(sim: Sim, job: JobRecord, status: JobRecord['status'], message: string): void {
  job.status = status;
  job.message = message;
  sim.state.pendingJobs.delete(job.tracking_code);
}
